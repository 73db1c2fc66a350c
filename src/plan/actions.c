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
#include "core/semver.h"
#include "core/versions.h"
#include "plan/build.h"
#include "plan/plan.h"
#include "util/util.h"

/* ---- versions ---------------------------------------------------------- */

/* Version files at after, set to version: the edits of the plan. */
static int
plan_files(struct builder *b, struct tctx *tc, const char *version)
{
	size_t i;
	int rc;

	tc->pt->files = calloc(tc->t->n_version_files + 1,
	    sizeof(*tc->pt->files));
	if (tc->pt->files == NULL)
		return ovm_err_nomem(b->err);
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
			return plan_track_error(tc, &e);
		}
		if (rc < 0)
			return plan_track_error(tc, &e);
		if (!plan_is_regular(mode)) {
			ovm_err_set_at(&e, OVM_EINPUT, vf->path, 0,
			    "not a regular file at %.12s (mode %06o)", b->after,
			    mode);
			ovm_err_hint(&e, "a version file must be a regular file");
			return plan_track_error(tc, &e);
		}
		rc = plan_vf_version(&old, vf, buf, len, &e);
		if (rc == 0)
			rc = plan_vf_set(&out, &olen, vf, buf, len, version, &e);
		if (rc < 0) {
			free(buf);
			free(old);
			return plan_track_error(tc, &e);
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
			return ovm_err_nomem(b->err);
	}
	return 0;
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
		return ovm_err_nomem(b->err);
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
		return ovm_err_nomem(b->err);
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid where = { "" };
		enum ovm_tag_state st = absent_state;
		char *name = NULL;
		int rc;

		if (ovm_template_format(&name, tc->tag_tpl[i], version) < 0)
			return ovm_err_nomem(b->err);
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
			pt->commit_message = ovm_first_line(msg);
			free(msg);
		} else {
			pt->commit_message = NULL;
			(void)ovm_template_format(&pt->commit_message,
			    tc->commit_tpl, version);
		}
		snprintf(pt->commit_id.hex, sizeof(pt->commit_id.hex), "%s",
		    existing);
		return pt->commit_message != NULL ? 0 : ovm_err_nomem(b->err);
	}
	if (ovm_template_format(&pt->commit_message, tc->commit_tpl, version) < 0)
		return ovm_err_nomem(b->err);
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
			return ovm_err_nomem(b->err);
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
			return ovm_err_nomem(b->err);
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
