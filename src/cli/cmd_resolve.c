/*
 * ovm-release resolve TRACK --latest [--github OWNER/REPO]: the highest
 * released version of a track, from the remote's tags (no API), or from
 * the GitHub releases API (a tag exists before its build publishes
 * assets; published releases are what consumers can download).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/pattern.h"
#include "core/versions.h"
#include "net/github.h"
#include "plan/load.h"
#include "plan/remote.h"

int
cmd_resolve(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_config cfg;
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_tagv tags = { NULL, 0, 0 };
	struct ovm_template **tpl = NULL;
	struct ovm_remote_opts ro = { NULL, NULL, NULL };
	const struct ovm_track *t;
	const struct ovm_strv *family;
	char ver[512], *hdr = NULL, *src = NULL;
	size_t i;
	int rc, status = 0;

	memset(&cfg, 0, sizeof(cfg));
	if (o->argc != 1 || !o->latest) {
		fprintf(stderr, "ovm-release: error: usage: ovm-release resolve "
		    "TRACK --latest [--github OWNER/REPO]\n");
		return 2;
	}
	if (o->github != NULL && (strchr(o->github, '/') == NULL ||
	    strchr(o->github, '/') != strrchr(o->github, '/') ||
	    o->github[0] == '/' || o->github[strlen(o->github) - 1] == '/')) {
		fprintf(stderr, "ovm-release: error: --github '%s': expected "
		    "OWNER/REPO\n", o->github);
		return 2;
	}
	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc == 0)
		rc = ovm_load_repo_config(&cfg, repo, o->config, &err);
	if (rc < 0)
		goto fail;
	t = ovm_config_track(&cfg, o->argv[0]);
	if (t == NULL) {
		rc = ovm_err_set(&err, OVM_EUSAGE, "no track '%s' in the "
		    "configuration", o->argv[0]);
		goto fail;
	}
	family = t->from_tags.n > 0 ? &t->from_tags : &t->tags;
	tpl = calloc(family->n + 1, sizeof(*tpl));
	if (tpl == NULL) {
		rc = ovm_err_set(&err, OVM_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < family->n && rc == 0; i++)
		rc = ovm_template_compile(&tpl[i], family->v[i], 0, &err);
	if (rc < 0)
		goto fail;
	if (o->github != NULL) {
		const char *api = getenv("GITHUB_API_URL");
		const char *tok = getenv("GITHUB_TOKEN");

		if (tok == NULL || tok[0] == '\0')
			tok = getenv("GH_TOKEN");
		rc = ovm_github_release_tags(&tags, api != NULL && api[0] ? api :
		    "https://api.github.com", o->github, tok, &err);
	} else {
		struct ovm_oid tip;

		ro.remote = o->remote != NULL ? o->remote : cfg.remote;
		rc = ovm_credentials(&ro, &hdr, &src, repo, &err);
		if (rc == 0)
			rc = ovm_git_ls_remote(&tags, &tip, repo, &ro, NULL, &err);
	}
	if (rc < 0)
		goto fail;
	if (!ovm_family_highest_text(ver, sizeof(ver), tpl, family->n, &tags)) {
		fprintf(stderr, "ovm-release: error: no released version of '%s' "
		    "%s\n", t->name, o->github != NULL ? "among the published "
		    "GitHub releases" : "among the remote's tags");
		status = 1;
		goto done;
	}
	if (o->json)
		printf("{\"track\":\"%s\",\"version\":\"%s\",\"source\":\"%s\"}\n",
		    t->name, ver, o->github != NULL ? "github" : "remote");
	else
		printf("%s\n", ver);
	goto done;
fail:
	status = ovm_cli_error(&err);
done:
	for (i = 0; tpl != NULL && tpl[i] != NULL; i++)
		ovm_template_free(tpl[i]);
	free(tpl);
	free(hdr);
	free(src);
	ovm_tagv_free(&tags);
	ovm_config_free(&cfg);
	ovm_git_close(repo);
	return status;
}
