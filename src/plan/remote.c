/*
 * The plan's network steps: the credential for the remote (doc/decisions.md#credentials), the
 * fetches rule A7 and B1 need, local-only tags, image checks (doc/decisions.md#image-checks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/imageref.h"
#include "git/git.h"
#include "net/registry.h"
#include "plan/plan.h"
#include "plan/remote.h"
#include "util/util.h"

int
ovm_credentials(struct ovm_remote_opts *ro, char **hdr_out, char **source_out,
    struct ovm_repo *repo, struct ovm_err *err)
{
	const char *tok = getenv("OVM_RELEASE_TOKEN");
	const char *name = "OVM_RELEASE_TOKEN";
	char *url = NULL;
	int rc;

	*hdr_out = NULL;
	*source_out = NULL;
	if (tok == NULL || tok[0] == '\0') {
		rc = ovm_git_remote_url(&url, repo, ro->remote, 1, err);
		if (rc < 0) {
			if (err->hint[0] == '\0' && (rc == OVM_EINPUT ||
			    rc == OVM_ECONFIG || rc == OVM_ENOTFOUND))
				ovm_err_hint(err, "name a remote of this "
				    "repository (git remote -v) with --remote, or "
				    "in the configuration's \"remote\"");
			return rc;
		}
		rc = ovm_git_extraheader(hdr_out, source_out, repo, url, err);
		free(url);
		if (rc < 0)
			return rc;
		if (*hdr_out != NULL) {
			ro->extraheader = *hdr_out;
			return 0;
		}
		tok = getenv("GITHUB_TOKEN");
		name = "GITHUB_TOKEN";
		if (tok == NULL || tok[0] == '\0') {
			tok = getenv("GH_TOKEN");
			name = "GH_TOKEN";
		}
		if (tok == NULL || tok[0] == '\0')
			return 0;
	}
	ro->token = tok;
	*source_out = strdup(name);
	return *source_out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM,
	    "out of memory");
}

int
ovm_fetch_branch(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, struct ovm_err *err)
{
	char *spec = NULL;
	const char *specs[1];
	int rc;

	if (asprintf(&spec, "+refs/heads/%s:refs/remotes/%s/%s", branch,
	    ro->remote, branch) < 0)
		return ovm_err_nomem(err);
	specs[0] = spec;
	rc = ovm_git_fetch(repo, ro, specs, 1, err);
	free(spec);
	return rc;
}

int
ovm_fetch_before(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, const char *before, struct ovm_err *err)
{
	char *spec = NULL;
	const char *specs[1];
	int rc;

	rc = ovm_fetch_branch(repo, ro, branch, err);
	if (rc < 0 || ovm_git_has_commit(repo, before))
		return rc;
	/* Still missing: another branch of the remote may hold it. */
	if (asprintf(&spec, "+refs/heads/*:refs/remotes/%s/*", ro->remote) < 0)
		return ovm_err_nomem(err);
	specs[0] = spec;
	rc = ovm_git_fetch(repo, ro, specs, 1, err);
	free(spec);
	return rc;
}

/* Tags that exist only here are ignored: the remote is the truth. */
void
ovm_warn_local_only(struct ovm_plan *p, struct ovm_repo *repo,
    const struct ovm_tagv *remote)
{
	size_t i, j;

	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_track *t = p->tracks[i].cfg;

		for (j = 0; j < t->tags.n; j++) {
			struct ovm_tagv local = { NULL, 0, 0 };
			const char *at = strstr(t->tags.v[j], "{version}");
			char *prefix = strndup(t->tags.v[j], at != NULL ?
			    (size_t)(at - t->tags.v[j]) : 0);
			size_t k, n = 0;

			if (prefix == NULL)
				continue;
			if (ovm_git_tags_with_prefix(&local, repo,
			    (const char *const *)&prefix, 1, NULL) == 0)
				for (k = 0; k < local.n; k++)
					if (ovm_tagv_find(remote, local.v[k].name) == NULL &&
					    n++ < 3)
						ovm_strv_pushf(&p->tracks[i].warnings,
						    "tag %s exists only locally: "
						    "ignored", local.v[k].name);
			free(prefix);
			ovm_tagv_free(&local);
		}
	}
}

void
ovm_verify_images(struct ovm_plan *p)
{
	size_t i;

	for (i = 0; i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];
		struct ovm_imageref ref = OVM_IMAGEREF_INIT;
		struct ovm_image_check chk;
		struct ovm_err e = OVM_ERR_INIT;
		int rc;

		if (!t->cfg->verify_image || t->decision != OVM_DEC_RELEASE ||
		    t->exit_code != 0 || t->image_ref == NULL)
			continue;
		rc = ovm_imageref_parse(&ref, t->image_ref, &e);
		if (rc == 0)
			rc = ovm_registry_check(&chk, &ref, &e);
		ovm_imageref_free(&ref);
		if (rc < 0) {
			t->err = e;
			t->exit_code = ovm_err_exit_code(rc);
			t->decision = OVM_DEC_REFUSE;
			continue;
		}
		if (!chk.found) {
			ovm_err_set(&t->err, OVM_EREFUSED, "%s: the image %s is not "
			    "in its registry (%s answered %ld): refusing to tag it",
			    t->cfg->name, t->image_ref, chk.url, chk.status);
			ovm_err_hint(&t->err, "publish the base image first");
			t->exit_code = 1;
			t->decision = OVM_DEC_REFUSE;
		} else if (chk.digest != NULL && t->digest == NULL) {
			t->digest = strdup(chk.digest);
		}
		ovm_image_check_free(&chk);
	}
}
