/*
 * ovm-release check-image: for each Dockerfile track, does the FROM
 * image's tag exist in its registry?  Exit 1 when one is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli/cli.h"
#include "core/dockerfile/dockerfile.h"
#include "git/git.h"
#include "net/registry.h"
#include "plan/load.h"
#include "util/util.h"

/* The track's Dockerfile at commit, parsed (doc/decisions.md#version-from-a-dockerfile). */
static int
track_image(struct ovm_dockerfile_from *out, struct ovm_repo *repo,
    const struct ovm_track *t, const char *commit, struct ovm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned mode = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ovm_git_blob_at(&buf, &len, &mode, repo, commit, t->from_dockerfile,
	    err);
	if (rc == OVM_ENOTFOUND)
		return ovm_err_set_at(err, OVM_EINPUT, t->from_dockerfile, 0,
		    "not found at %s", commit);
	if (rc < 0)
		return rc;
	if (buf == NULL)
		return ovm_err_set_at(err, OVM_EINPUT, t->from_dockerfile, 0,
		    "not a regular file (mode %06o)", mode);
	rc = ovm_dockerfile_from(out, buf, len, t->from_dockerfile, t->stage,
	    OVM_DF_STRICT, err);
	free(buf);
	return rc;
}

int
cmd_check_image(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_config cfg;
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_oid at;
	size_t i;
	int rc, status = 0, checked = 0;

	memset(&cfg, 0, sizeof(cfg));
	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc == 0)
		rc = ovm_load_repo_config(&cfg, repo, o->config, &err);
	if (rc == 0)
		rc = ovm_check_tracks(&cfg, &o->tracks, &err);
	if (rc == 0)
		rc = ovm_git_resolve(&at, repo, o->after != NULL ? o->after : "HEAD",
		    &err);
	if (rc < 0) {
		status = ovm_cli_error(&err);
		goto done;
	}
	for (i = 0; i < cfg.n_tracks; i++) {
		const struct ovm_track *t = &cfg.tracks[i];
		struct ovm_dockerfile_from from;
		struct ovm_image_check chk;
		int s;

		if (t->from_dockerfile == NULL || (o->tracks.n > 0 &&
		    !ovm_strv_contains(&o->tracks, t->name)))
			continue;
		checked++;
		rc = track_image(&from, repo, t, at.hex, &err);
		if (rc == 0)
			rc = ovm_registry_check(&chk, &from.ref, &err);
		if (rc < 0) {
			s = ovm_cli_error(&err);
			status = s > status ? s : status;
			ovm_dockerfile_from_free(&from);
			continue;
		}
		if (o->json) {
			cJSON *j = cJSON_CreateObject();
			char *s;

			cJSON_AddStringToObject(j, "track", t->name);
			cJSON_AddStringToObject(j, "image_ref", from.image_ref);
			cJSON_AddBoolToObject(j, "found", chk.found);
			if (chk.digest != NULL)
				cJSON_AddStringToObject(j, "digest", chk.digest);
			else
				cJSON_AddNullToObject(j, "digest");
			s = cJSON_PrintUnformatted(j);
			if (s != NULL)
				printf("%s\n", s);
			free(s);
			cJSON_Delete(j);
		} else if (chk.found)
			printf("ovm-release: %s: %s exists%s%s\n", t->name,
			    from.image_ref, chk.digest ? ", digest " : "",
			    chk.digest ? chk.digest : "");
		else
			printf("ovm-release: %s: %s: no such tag in the registry "
			    "(%s answered %ld)\n", t->name, from.image_ref, chk.url,
			    chk.status);
		if (!chk.found && status < 1)
			status = 1;
		ovm_image_check_free(&chk);
		ovm_dockerfile_from_free(&from);
	}
	if (checked == 0 && status == 0) {
		fprintf(stderr, "ovm-release: error: no Dockerfile track to check\n");
		status = 2;
	}
done:
	ovm_config_free(&cfg);
	ovm_git_close(repo);
	return status;
}
