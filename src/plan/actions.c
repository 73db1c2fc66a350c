/*
 * What a decided track does: its version (Dockerfile or tags), the file
 * edits, the commit and the tags.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dockerfile.h"
#include "core/pattern.h"
#include "core/pkgjson.h"
#include "plan/plan.h"
#include "plan/build.h"
#include "core/semver.h"
#include "util/util.h"
#include "core/versions.h"

/* ---- versions ---------------------------------------------------------- */

static int
track_error(struct tctx *tc, const struct ovm_err *e)
{
	tc->pt->err = *e;
	tc->pt->exit_code = ovm_err_exit_code(e->code);
	return e->code;
}

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
		return track_error(tc, &e);
	}
	if (rc < 0)
		return track_error(tc, &e);
	if (!plan_is_regular(mode)) {
		ovm_err_set_at(&e, OVM_EINPUT, path, 0,
		    "not a regular file at %.12s (mode %06o%s)", b->after, mode,
		    mode == 0120000 ? ", a symlink" : mode == 0160000 ?
		    ", a submodule" : mode == 040000 ? ", a directory" : "");
		ovm_err_hint(&e, "commit the Dockerfile itself, not a link to it");
		return track_error(tc, &e);
	}
	rc = ovm_dockerfile_from(&from, buf, len, path, tc->t->stage,
	    OVM_DF_STRICT, &e);
	free(buf);
	if (rc < 0)
		return track_error(tc, &e);
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
		return track_error(tc, &e);
	}
	tc->pt->version = strdup(from.version);
	ovm_dockerfile_from_free(&from);
	if (tc->pt->image_ref == NULL || tc->pt->version == NULL)
		return plan_nomem(b->err);
	return plan_load_family(b, tc);
}

/* Version files at after, set to version: the edits of the plan. */
static int
plan_files(struct builder *b, struct tctx *tc, const char *version)
{
	size_t i;
	int rc;

	tc->pt->files = calloc(tc->t->n_version_files + 1,
	    sizeof(*tc->pt->files));
	if (tc->pt->files == NULL)
		return plan_nomem(b->err);
	for (i = 0; i < tc->t->n_version_files; i++) {
		const struct ovm_version_file *vf = &tc->t->version_files[i];
		struct ovm_plan_file *pf = &tc->pt->files[tc->pt->n_files];
		struct ovm_err e = OVM_ERR_INIT;
		char *buf = NULL, *old = NULL, *out = NULL;
		size_t len = 0, olen = 0;
		unsigned mode = 0;

		rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after,
		    vf->path, &e);
		if (rc == OVM_ENOTFOUND && vf->optional)
			continue;
		if (rc == OVM_ENOTFOUND) {
			ovm_err_set_at(&e, OVM_EINPUT, vf->path, 0,
			    "not found at %s", b->after);
			ovm_err_hint(&e, "commit it, or mark it \"optional\" in "
			    "version_files");
			return track_error(tc, &e);
		}
		if (rc < 0)
			return track_error(tc, &e);
		if (!plan_is_regular(mode)) {
			ovm_err_set_at(&e, OVM_EINPUT, vf->path, 0,
			    "not a regular file at %.12s (mode %06o)", b->after,
			    mode);
			ovm_err_hint(&e, "a version file must be a regular file");
			return track_error(tc, &e);
		}
		rc = plan_vf_version(&old, vf, buf, len, &e);
		if (rc == 0)
			rc = plan_vf_set(&out, &olen, vf, buf, len, version, &e);
		if (rc < 0) {
			free(buf);
			free(old);
			return track_error(tc, &e);
		}
		if (old == NULL || (olen == len && memcmp(out, buf, len) == 0)) {
			/* A lockfile with no root version, or already set. */
			free(buf);
			free(old);
			free(out);
			continue;
		}
		free(buf);
		pf->path = strdup(vf->path);
		pf->format = vf->format;
		pf->from = old;
		pf->to = strdup(version);
		pf->content = out;
		pf->len = olen;
		pf->mode = mode;
		tc->pt->n_files++;
		if (pf->path == NULL || pf->to == NULL)
			return plan_nomem(b->err);
	}
	return 0;
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
				return track_error(tc, &e);
		}
		break;
	}
	in.previous = tc->pt->previous;
	in.package = tc->pt->package_version;
	in.initial = tc->t->initial;
	in.bump = ovm_bump_from_name(tc->t->bump);
	rc = ovm_policy_version(&vo, &in, &e);
	if (rc < 0)
		return track_error(tc, &e);
	tc->pt->version = strdup(vo.version);
	if (tc->pt->version == NULL)
		return plan_nomem(b->err);
	if (tc->f.released_before)
		return 0;	/* versions of an earlier release: no drift */
	if (vo.drift < 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is behind the highest tag %s",
	    tc->pt->package_version, tc->pt->previous) < 0)
		return plan_nomem(b->err);
	if (vo.drift > 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is ahead of the highest tag %s%s",
	    tc->pt->package_version, tc->pt->previous,
	    vo.honoured ? ": honoured as the next version" : "") < 0)
		return plan_nomem(b->err);
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

/* ---- the actions: commit and tags --------------------------------------- */

static int
add_tag(struct builder *b, struct tctx *tc, const char *name, int on_bump,
    const char *target, enum ovm_tag_state state)
{
	struct ovm_plan_track *pt = tc->pt;
	struct ovm_plan_tag *t = &pt->tags[pt->n_tags];

	t->name = strdup(name);
	if (t->name == NULL)
		return plan_nomem(b->err);
	t->on_bump = on_bump;
	snprintf(t->target.hex, sizeof(t->target.hex), "%s",
	    target != NULL ? target : "");
	t->state = state;
	pt->n_tags++;
	return 0;
}

/*
 * The tags of version on target (NULL: the bump commit to be made): each is
 * `exists` when already there, else absent_state.
 */
static int
plan_tags(struct builder *b, struct tctx *tc, const char *version,
    const char *target, enum ovm_tag_state absent_state)
{
	size_t i;

	tc->pt->tags = calloc(tc->t->tags.n + 1, sizeof(*tc->pt->tags));
	if (tc->pt->tags == NULL)
		return plan_nomem(b->err);
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid where = { "" };
		enum ovm_tag_state st = absent_state;
		char *name = NULL;
		int rc;

		if (ovm_template_format(&name, tc->tag_tpl[i], version) < 0)
			return plan_nomem(b->err);
		if (plan_tag_lookup(b, name, &where)) {
			if (target != NULL && strcmp(where.hex, target) == 0)
				st = OVM_TAG_EXISTS;
			else if (absent_state != OVM_TAG_CONFLICT &&
			    target != NULL && where.hex[0] &&
			    ovm_git_has_commit(b->repo, where.hex) &&
			    ovm_git_is_ancestor(b->repo, where.hex, b->after,
			    NULL) == 1)
				st = OVM_TAG_EXISTS;
			else
				st = OVM_TAG_CONFLICT;
		}
		rc = add_tag(b, tc, name, target == NULL, target != NULL &&
		    st != OVM_TAG_CONFLICT ? target : where.hex, st);
		free(name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
set_commit(struct builder *b, struct tctx *tc, const char *version,
    const char *existing)
{
	struct ovm_plan_track *pt = tc->pt;

	if (existing != NULL) {
		char *msg = NULL;
		int rc = ovm_git_commit_info(&msg, NULL, NULL, b->repo, existing,
		    NULL);

		if (rc == 0) {
			pt->commit_message = plan_first_line(msg);
			free(msg);
		} else {
			pt->commit_message = NULL;
			(void)ovm_template_format(&pt->commit_message,
			    tc->commit_tpl, version);
		}
		snprintf(pt->commit_id.hex, sizeof(pt->commit_id.hex), "%s",
		    existing);
		return pt->commit_message != NULL ? 0 : plan_nomem(b->err);
	}
	if (ovm_template_format(&pt->commit_message, tc->commit_tpl, version) < 0)
		return plan_nomem(b->err);
	snprintf(pt->commit_parent.hex, sizeof(pt->commit_parent.hex), "%s",
	    b->after);
	return 0;
}


/* What a decided track will do. */
int
plan_track_actions(struct builder *b, struct tctx *tc)
{
	struct ovm_plan_track *pt = tc->pt;
	int rc;

	if (pt->reason == OVM_R_COMPLETE && tc->f.head_is_bump &&
	    !tc->f.released_before) {
		/* A10: V's tags on the head, which is our bump commit. */
		free(pt->version);
		pt->version = strdup(tc->head_bump_version);
		if (pt->version == NULL)
			return plan_nomem(b->err);
		rc = set_commit(b, tc, pt->version, b->after);
		if (rc == 0)
			rc = plan_tags(b, tc, pt->version, b->after,
			    OVM_TAG_MISSING);
		return rc;
	}
	if (tc->f.released_before) {
		/* B1: the earlier release's version and commit. */
		free(pt->version);
		pt->version = strdup(tc->released_version);
		if (pt->version == NULL)
			return plan_nomem(b->err);
		rc = plan_previous_below(b, tc, pt->version);
		if (rc < 0)
			return rc;
		if (tc->released_on_bump) {
			rc = set_commit(b, tc, pt->version, tc->released_on.hex);
			if (rc < 0)
				return rc;
		}
		return plan_tags(b, tc, pt->version, tc->released_on.hex,
		    OVM_TAG_MISSING);
	}
	if (pt->decision == OVM_DEC_REFUSE && pt->reason == OVM_R_CONFLICT)
		return plan_tags(b, tc, pt->version, b->after, OVM_TAG_CREATE);
	if (pt->decision != OVM_DEC_RELEASE)
		return 0;
	if (tc->t->n_version_files > 0) {
		rc = plan_files(b, tc, pt->version);
		if (rc < 0 || pt->exit_code != 0)
			return rc;
	}
	if (pt->n_files > 0) {
		rc = set_commit(b, tc, pt->version, NULL);
		if (rc < 0)
			return rc;
		return plan_tags(b, tc, pt->version, NULL, OVM_TAG_CREATE);
	}
	return plan_tags(b, tc, pt->version, b->after, OVM_TAG_CREATE);
}
