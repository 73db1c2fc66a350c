/*
 * Applying the plan.  libgit2 has no atomic push, so order does the work:
 * the branch first, then one tag per push, each only after its target is
 * confirmed on the remote branch; tags are never forced.  The working tree
 * moves only after the branch is on the remote (or with --no-push), so a
 * run killed anywhere is finished by a rerun (rules A10 and B1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "apply/checkout.h"
#include "core/pattern.h"
#include "util/util.h"

#define MAX_ATTEMPTS 3

struct applier {
	struct ovm_plan *p;
	struct ovm_repo *repo;
	struct ovm_apply_opts *ao;
	struct ovm_err *err;
};

static void
net_begin(struct applier *a, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s remote '%s'", what, a->ao->ro.remote);
	ovm_watchdog(a->ao->timeout, a->ao->lock, msg);
}

static void
net_end(void)
{
	ovm_watchdog(0, NULL, NULL);
}

static int
push(struct applier *a, struct ovm_push_status *st, const char *src,
    const char *dst)
{
	int rc;

	net_begin(a, "pushing to");
	rc = ovm_git_push_ref(st, a->repo, &a->ao->ro, src, dst, a->err);
	net_end();
	return rc;
}

static int
fetch_branch(struct applier *a, struct ovm_oid *tip)
{
	char *spec = NULL, *ref = NULL;
	const char *specs[1];
	int rc;

	if (asprintf(&spec, "+refs/heads/%s:refs/remotes/%s/%s", a->p->ev.branch,
	    a->ao->ro.remote, a->p->ev.branch) < 0)
		return ovm_err_nomem(a->err);
	specs[0] = spec;
	net_begin(a, "fetching from");
	rc = ovm_git_fetch(a->repo, &a->ao->ro, specs, 1, a->err);
	net_end();
	free(spec);
	if (rc < 0)
		return rc;
	if (asprintf(&ref, "refs/remotes/%s/%s", a->ao->ro.remote,
	    a->p->ev.branch) < 0)
		return ovm_err_nomem(a->err);
	rc = ovm_git_ref_commit(tip, a->repo, ref, a->err);
	free(ref);
	return rc;
}

static int
relist(struct applier *a)
{
	struct ovm_tagv tags = { NULL, 0, 0 };
	int rc;

	net_begin(a, "listing refs of");
	rc = ovm_git_ls_remote(&tags, &a->ao->remote_tip, a->repo, &a->ao->ro,
	    a->p->ev.branch, a->err);
	net_end();
	if (rc < 0) {
		ovm_tagv_free(&tags);
		return rc;
	}
	ovm_tagv_free(a->ao->remote_tags);
	*a->ao->remote_tags = tags;
	return 0;
}

/* 1 when target is on the remote branch (fetching it when needed). */
static int
on_remote_branch(struct applier *a, const char *target)
{
	const char *tip = a->ao->remote_tip.hex;
	int rc;

	if (tip[0] == '\0')
		return 0;
	if (strcmp(tip, target) == 0)
		return 1;
	if (!ovm_git_has_commit(a->repo, tip)) {
		struct ovm_oid fetched;

		if (a->ao->no_fetch)
			return 0;
		rc = fetch_branch(a, &fetched);
		if (rc < 0)
			return rc;
	}
	rc = ovm_git_is_ancestor(a->repo, target, tip, a->err);
	return rc;
}

/*
 * After a rejected branch push: fetch the branch and the remote's tags,
 * decide the track again (rule B1 sees a release the new commits hold),
 * else rebuild the bump commit on the new tip.  Returns 1 when the track
 * is decided anew (skip, or complete on an existing bump commit), 0 to
 * retry the push, <0 on error.
 */
static int
after_race(struct applier *a, struct ovm_plan_track *t, int attempt)
{
	struct ovm_plan np;
	struct ovm_plan_opts po;
	struct ovm_strv only = { NULL, 0 };
	struct ovm_oid tip;
	int rc;

	rc = fetch_branch(a, &tip);
	if (rc == 0)
		rc = relist(a);
	if (rc < 0)
		return rc;
	po = *a->ao->po;
	if (ovm_strv_push(&only, t->cfg->name) < 0)
		return ovm_err_nomem(a->err);
	po.only = &only;
	po.remote_tags = a->ao->remote_tags;
	po.remote_branch_tip = tip.hex;
	rc = ovm_plan_build(&np, a->repo, a->ao->cfg, &a->p->ev, &po, a->err);
	ovm_strv_free(&only);
	if (rc < 0)
		return rc;
	if (np.n_tracks == 1 && (np.tracks[0].reason == OVM_R_ALREADY_RELEASED ||
	    np.tracks[0].reason == OVM_R_COMPLETE)) {
		struct ovm_plan_track tmp = *t;

		*t = np.tracks[0];
		np.tracks[0] = tmp;
		ovm_plan_free(&np);
		if (ovm_strv_pushf(&t->warnings, "%s moved during the release: "
		    "the new commits already hold release %s",
		    a->p->ev.branch, t->version != NULL ? t->version : "") < 0)
			return ovm_err_nomem(a->err);
		return 1;
	}
	ovm_plan_free(&np);
	rc = ovm_plan_rebase_track(t, a->repo, a->ao->cfg, tip.hex,
	    a->ao->remote_tags, a->err);
	if (rc < 0)
		return rc;
	if (ovm_strv_pushf(&t->warnings, "%s moved during the release (attempt "
	    "%d): rebuilt the bump commit on %.12s as %s", a->p->ev.branch,
	    attempt, tip.hex, t->version) < 0)
		return ovm_err_nomem(a->err);
	return 0;
}

static int
make_commit(struct applier *a, struct ovm_plan_track *t)
{
	struct ovm_file_update *ups;
	size_t j;
	int rc;

	ups = calloc(t->n_files + 1, sizeof(*ups));
	if (ups == NULL)
		return ovm_err_nomem(a->err);
	for (j = 0; j < t->n_files; j++) {
		ups[j].path = t->files[j].path;
		ups[j].content = t->files[j].content;
		ups[j].len = t->files[j].len;
		ups[j].mode = t->files[j].mode;
	}
	rc = ovm_git_commit_files(&t->commit_id, a->repo, t->commit_parent.hex,
	    ups, t->n_files, t->commit_message, &a->ao->sig, a->err);
	free(ups);
	return rc;
}

/* Pushes the bump commit; 1 pushed, 0 refused (recorded), <0 error. */
static int
push_branch(struct applier *a, struct ovm_plan_track *t)
{
	struct ovm_push_status st;
	struct ovm_err e = OVM_ERR_INIT;
	char tmpref[512], dst[512];
	int attempt, rc;

	for (attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		rc = make_commit(a, t);
		if (rc < 0)
			return rc;
		snprintf(tmpref, sizeof(tmpref), "refs/ovm-release/%s",
		    t->cfg->name);
		rc = ovm_git_ref_cas(a->repo, tmpref, t->commit_id.hex, NULL,
		    "ovm-release: push source", a->err);
		if (rc == OVM_EEXISTS) {
			ovm_git_ref_delete(a->repo, tmpref);
			rc = ovm_git_ref_cas(a->repo, tmpref, t->commit_id.hex,
			    NULL, "ovm-release: push source", a->err);
		}
		if (rc < 0)
			return rc;
		if (a->ao->no_push)
			return 1;
		snprintf(dst, sizeof(dst), "refs/heads/%s", a->p->ev.branch);
		rc = push(a, &st, tmpref, dst);
		ovm_git_ref_delete(a->repo, tmpref);
		if (rc < 0)
			return rc;
		if (st.accepted) {
			a->ao->remote_tip = t->commit_id;
			t->branch_pushed = 1;
			t->pushed_refs++;
			return 1;
		}
		if (!st.nonff) {
			ovm_err_set(&e, OVM_EREFUSED,
			    "the remote rejected %s: %s", dst, st.status);
			ovm_err_hint(&e, "nothing was pushed; let this identity "
			    "push to '%s' (branch protection, a pre-receive "
			    "hook), then rerun", a->p->ev.branch);
			ovm_plan_track_refuse(t, 1, &e);
			return 0;
		}
		/* A race: someone pushed meanwhile.  Look, then rebuild. */
		rc = after_race(a, t, attempt);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	ovm_err_set(&e, OVM_EREFUSED, "the push to %s was rejected %d times "
	    "(the branch keeps moving)", a->p->ev.branch, MAX_ATTEMPTS);
	ovm_err_hint(&e, "rerun the release once the branch is quiet");
	ovm_plan_track_refuse(t, 1, &e);
	return 0;
}

/*
 * The temporary refs a run pushes from (refs/ovm-release/<track>,
 * refs/ovm-release/tags/<tag>): a killed run leaves them; this run's
 * lock is held, so they are nobody's.
 */
static int
drop_temp_refs(struct applier *a, const struct ovm_plan_track *t)
{
	char ref[1024];
	size_t j;

	if (t->decision != OVM_DEC_RELEASE)
		return 0;
	snprintf(ref, sizeof(ref), "refs/ovm-release/%s", t->cfg->name);
	ovm_git_ref_delete(a->repo, ref);
	for (j = 0; j < t->n_tags; j++) {
		snprintf(ref, sizeof(ref), "refs/ovm-release/tags/%s",
		    t->tags[j].name);
		ovm_git_ref_delete(a->repo, ref);
	}
	return 0;
}

/*
 * A tag the remote holds for this release and the checkout lacks (a run
 * killed between its tag pushes) is made locally, as the run that
 * pushed it would have.  A local tag elsewhere is left as it is.
 */
static int
local_tag(struct applier *a, struct ovm_plan_track *t, const char *name,
    const char *target)
{
	struct ovm_oid cur;
	struct ovm_err e = OVM_ERR_INIT;
	char ref[1024];

	if (target == NULL || target[0] == '\0')
		return 0;
	snprintf(ref, sizeof(ref), "refs/tags/%s", name);
	if (ovm_git_ref_commit(&cur, a->repo, ref, NULL) == 0 ||
	    !ovm_git_has_commit(a->repo, target))
		return 0;
	if (ovm_git_ref_cas(a->repo, ref, target, NULL, "ovm-release: tag",
	    &e) < 0 && ovm_strv_pushf(&t->warnings, "the local tag %s was not "
	    "made: %s", name, e.msg) < 0)
		return ovm_err_nomem(a->err);
	return 0;
}

/* One tag, one push.  1 pushed (or already there), 0 refused, <0 error. */
static int
push_tag(struct applier *a, struct ovm_plan_track *t, struct ovm_plan_tag *tg,
    const char *target, int pushed_before)
{
	struct ovm_push_status st;
	struct ovm_err e = OVM_ERR_INIT;
	char tmpref[1024], dst[1024], local[1024];
	const struct ovm_tag *known;
	int rc;

	snprintf(tmpref, sizeof(tmpref), "refs/ovm-release/tags/%s", tg->name);
	snprintf(dst, sizeof(dst), "refs/tags/%s", tg->name);
	snprintf(local, sizeof(local), "refs/tags/%s", tg->name);
	ovm_git_ref_delete(a->repo, tmpref);
	rc = ovm_git_ref_cas(a->repo, tmpref, target, NULL,
	    "ovm-release: tag push source", a->err);
	if (rc < 0)
		return rc;
	if (!a->ao->no_push) {
		rc = push(a, &st, tmpref, dst);
		ovm_git_ref_delete(a->repo, tmpref);
		if (rc < 0)
			return rc;
		if (st.exists) {
			known = ovm_tagv_find(a->ao->remote_tags, tg->name);
			if (known == NULL || strcmp(known->target.hex, target) != 0) {
				rc = relist(a);
				if (rc < 0)
					return rc;
				known = ovm_tagv_find(a->ao->remote_tags, tg->name);
			}
			if (known == NULL || strcmp(known->target.hex, target) != 0) {
				ovm_err_set(&e, pushed_before ? OVM_EPARTIAL :
				    OVM_EREFUSED, "%s appeared on the remote on "
				    "another commit meanwhile: not moved", dst);
				ovm_plan_track_refuse(t, pushed_before ? 4 : 1, &e);
				tg->state = OVM_TAG_CONFLICT;
				return 0;
			}
			st.accepted = 1;
		}
		if (!st.accepted) {
			ovm_err_set(&e, pushed_before ? OVM_EPARTIAL : OVM_EREFUSED,
			    "the remote rejected %s: %s", dst, st.status);
			if (pushed_before)
				ovm_err_hint(&e, "the remote holds part of the "
				    "release; rerun to complete it");
			ovm_plan_track_refuse(t, pushed_before ? 4 : 1, &e);
			return 0;
		}
	} else {
		ovm_git_ref_delete(a->repo, tmpref);
	}
	/* The local tag follows the released one. */
	ovm_git_ref_delete(a->repo, local);
	rc = ovm_git_ref_cas(a->repo, local, target, NULL, "ovm-release: tag",
	    a->err);
	if (rc < 0)
		return rc;
	tg->state = OVM_TAG_EXISTS;
	tg->made = 1;
	tg->pushed = !a->ao->no_push;
	if (!a->ao->no_push)
		t->pushed_refs++;
	return 1;
}

static int
apply_track(struct applier *a, struct ovm_plan_track *t)
{
	struct ovm_err e = OVM_ERR_INIT;
	int pushed = 0, rc;
	size_t j;

	if (t->exit_code != 0) {
		t->result = t->exit_code == 1 ? OVM_RES_REFUSED : OVM_RES_ERROR;
		return 0;
	}
	if (t->decision == OVM_DEC_SKIP) {
		t->result = OVM_RES_SKIPPED;
		return 0;
	}
	if (t->decision != OVM_DEC_RELEASE) {
		t->result = OVM_RES_REFUSED;
		return 0;
	}
	rc = drop_temp_refs(a, t);
	if (rc < 0)
		return rc;
	if (t->commit_message != NULL && t->commit_id.hex[0] == '\0') {
		rc = push_branch(a, t);
		if (rc < 0 || t->exit_code != 0)
			return rc;
		if (t->decision == OVM_DEC_SKIP) {
			t->result = OVM_RES_SKIPPED;
			return 0;
		}
	}
	if (t->branch_pushed || (a->ao->no_push && t->commit_id.hex[0] &&
	    strcmp(t->commit_parent.hex, a->p->ev.after) == 0)) {
		pushed = t->branch_pushed;
		/* The checkout follows only when nothing raced. */
		if (strcmp(t->commit_parent.hex, a->p->ev.after) == 0) {
			rc = ovm_checkout_advance(a->repo, a->p, t, &e);
			if (rc < 0 && ovm_strv_pushf(&t->warnings, "the checkout "
			    "was not moved to the bump commit: %s", e.msg) < 0)
				return ovm_err_nomem(a->err);
		} else if (ovm_strv_pushf(&t->warnings, "the checkout stays at "
		    "%.12s; the release commit is %.12s (git pull)",
		    a->p->ev.after, t->commit_id.hex) < 0) {
			return ovm_err_nomem(a->err);
		}
	} else if (t->commit_id.hex[0] != '\0' && t->n_files == 0) {
		/* Completing a bump commit made by an earlier run. */
		rc = ovm_checkout_follow(a->repo, a->p, t, &e);
		if (rc != 0 && ovm_strv_pushf(&t->warnings, "the checkout was "
		    "not moved to the bump commit %.12s: %s", t->commit_id.hex,
		    e.msg) < 0)
			return ovm_err_nomem(a->err);
		ovm_err_clear(&e);
	}
	for (j = 0; j < t->n_tags; j++) {
		struct ovm_plan_tag *tg = &t->tags[j];
		const char *target = tg->on_bump || tg->target.hex[0] == '\0' ?
		    t->commit_id.hex : tg->target.hex;

		if (tg->state == OVM_TAG_EXISTS) {
			rc = local_tag(a, t, tg->name, target);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!a->ao->no_push && !(tg->on_bump && pushed)) {
			rc = on_remote_branch(a, target);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				ovm_err_set(&e, pushed ? OVM_EPARTIAL : OVM_EREFUSED,
				    "%.12s is not on the remote branch '%s': "
				    "not tagging it", target, a->p->ev.branch);
				ovm_plan_track_refuse(t, pushed ? 4 : 1, &e);
				return 0;
			}
		}
		rc = push_tag(a, t, tg, target, pushed);
		if (rc <= 0)
			return rc;
		pushed = !a->ao->no_push;
	}
	t->result = t->reason == OVM_R_COMPLETE ? OVM_RES_COMPLETED :
	    OVM_RES_RELEASED;
	return 0;
}

int
ovm_apply(struct ovm_plan *p, struct ovm_repo *repo, struct ovm_apply_opts *ao,
    struct ovm_err *err)
{
	struct applier a = { p, repo, ao, err };
	size_t i;
	int rc;

	for (i = 0; i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];

		rc = apply_track(&a, t);
		if (rc < 0) {
			struct ovm_err e = *err;

			/* Some refs of the track are on the remote: partial. */
			if (t->pushed_refs > 0)
				ovm_err_hint(&e, "the remote holds part of the "
				    "release; rerun to complete it");
			ovm_plan_track_refuse(t, t->pushed_refs > 0 ? 4 : ovm_err_exit_code(rc), &e);
			ovm_err_clear(err);
		}
	}
	return 0;
}
