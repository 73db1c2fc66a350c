/*
 * A track's version (doc/decisions.md#tracks): its Dockerfile's FROM tag, or its
 * tag families and package.json, bumped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dockerfile.h"
#include "core/pattern.h"
#include "core/pkgjson.h"
#include "core/semver.h"
#include "core/versions.h"
#include "plan/build.h"
#include "plan/plan.h"
#include "util/util.h"

static int
version_dockerfile(struct builder *b, struct tctx *tc)
{
	struct ovm_dockerfile_from from;
	struct ovm_semver sv;
	struct ovm_err e = OVM_ERR_INIT;
	const char *path = tc->t->from_dockerfile;
	char *buf = NULL;
	size_t len = 0;
	unsigned mode = 0;
	int rc;

	memset(&from, 0, sizeof(from));
	rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after, path, &e);
	if (rc == OVM_ENOTFOUND) {
		ovm_err_set_at(&e, OVM_EINPUT, path, 0, "not found at %s", b->after);
		ovm_err_hint(&e, "check 'from_dockerfile' in the configuration");
		return plan_track_error(tc, &e);
	}
	if (rc < 0)
		return plan_track_error(tc, &e);
	if (!plan_is_regular(mode)) {
		ovm_err_set_at(&e, OVM_EINPUT, path, 0,
		    "not a regular file at %.12s (mode %06o%s)", b->after, mode,
		    mode == 0120000 ? ", a symlink" : mode == 0160000 ?
		    ", a submodule" : mode == 040000 ? ", a directory" : "");
		ovm_err_hint(&e, "commit the Dockerfile itself, not a link to it");
		return plan_track_error(tc, &e);
	}
	rc = ovm_dockerfile_from(&from, buf, len, path, tc->t->stage,
	    OVM_DF_STRICT, &e);
	free(buf);
	if (rc < 0)
		return plan_track_error(tc, &e);
	tc->pt->df_line = from.line;
	tc->pt->image_ref = strdup(from.image_ref);
	tc->pt->digest = ovm_strdup(from.digest);
	if (ovm_semver_parse(&sv, from.version, strlen(from.version), NULL) < 0) {
		ovm_err_set_at(&e, OVM_EINPUT, path, from.line,
		    "the FROM tag '%s' of '%s' is not a SemVer 2.0 version",
		    from.tag, from.image_ref);
		ovm_err_hint(&e, "tag the base image X.Y.Z (or vX.Y.Z): a release "
		    "needs a version");
		ovm_dockerfile_from_free(&from);
		return plan_track_error(tc, &e);
	}
	tc->pt->version = strdup(from.version);
	ovm_dockerfile_from_free(&from);
	if (tc->pt->image_ref == NULL || tc->pt->version == NULL)
		return ovm_err_nomem(b->err);
	return plan_load_family(b, tc);
}

static int
version_from_tags(struct builder *b, struct tctx *tc)
{
	struct ovm_version_in in;
	struct ovm_version_out vo;
	struct ovm_err e = OVM_ERR_INIT;
	size_t i;
	int rc;

	rc = plan_load_family(b, tc);
	if (rc < 0)
		return rc;
	for (i = 0; i < tc->t->n_version_files; i++) {
		const struct ovm_version_file *vf = &tc->t->version_files[i];
		char *buf = NULL;
		size_t len = 0;
		unsigned mode = 0;

		if (vf->format != OVM_VF_NPM_PACKAGE)
			continue;
		rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after,
		    vf->path, NULL);
		if (rc == 0 && buf != NULL) {
			rc = ovm_pkgjson_version(&tc->pt->package_version, buf, len,
			    vf->path, &e);
			free(buf);
			if (rc < 0)
				return plan_track_error(tc, &e);
		}
		break;
	}
	in.previous = tc->pt->previous;
	in.package = tc->pt->package_version;
	in.initial = tc->t->initial;
	in.bump = ovm_bump_from_name(tc->t->bump);
	rc = ovm_policy_version(&vo, &in, &e);
	if (rc < 0)
		return plan_track_error(tc, &e);
	tc->pt->version = strdup(vo.version);
	if (tc->pt->version == NULL)
		return ovm_err_nomem(b->err);
	if (tc->f.released_before)
		return 0;	/* versions of an earlier release: no drift */
	if (vo.drift < 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is behind the highest tag %s",
	    tc->pt->package_version, tc->pt->previous) < 0)
		return ovm_err_nomem(b->err);
	if (vo.drift > 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is ahead of the highest tag %s%s",
	    tc->pt->package_version, tc->pt->previous,
	    vo.honoured ? ": honoured as the next version" : "") < 0)
		return ovm_err_nomem(b->err);
	return 0;
}

int
plan_compute_version(struct builder *b, struct tctx *tc)
{
	if (tc->pt->version != NULL || tc->pt->exit_code != 0)
		return 0;
	if (tc->t->from_dockerfile != NULL)
		return version_dockerfile(b, tc);
	return version_from_tags(b, tc);
}
