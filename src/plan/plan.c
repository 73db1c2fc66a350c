/*
 * Building the plan: gather the facts the policy asks for, lazily and in
 * rule order, then compute versions, file edits, the commit and the tags.
 * All git access goes through git.c.  The facts are gathered in
 * plan_facts.c (stage A) and plan_tags.c (tags, B1-B3), the actions
 * computed in plan_actions.c.
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

/* ---- building ------------------------------------------------------------ */

static int
compile_tpls(struct ovm_template ***out, const struct ovm_strv *sv,
    struct ovm_err *err)
{
	size_t i;
	int rc;

	*out = calloc(sv->n + 1, sizeof(**out));
	if (*out == NULL)
		return ovm_err_nomem(err);
	for (i = 0; i < sv->n; i++) {
		rc = ovm_template_compile(&(*out)[i], sv->v[i], 0, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void
tctx_free(struct tctx *tc)
{
	size_t i;

	ovm_pathfilter_free(tc->paths);
	ovm_pathfilter_free(tc->watch);
	for (i = 0; tc->from_tpl != NULL && tc->from_tpl[i] != NULL; i++)
		ovm_template_free(tc->from_tpl[i]);
	if (tc->from_tpl != tc->tag_tpl)
		free(tc->from_tpl);
	for (i = 0; tc->tag_tpl != NULL && tc->tag_tpl[i] != NULL; i++)
		if (tc->from_tpl == NULL || tc->from_tpl != tc->tag_tpl)
			ovm_template_free(tc->tag_tpl[i]);
	free(tc->tag_tpl);
	ovm_template_free(tc->commit_tpl);
	ovm_tagv_free(&tc->family);
	free(tc->rel);
	free(tc->head_bump_version);
	free(tc->released_version);
}

static int
tctx_init(struct tctx *tc, struct ovm_plan_track *pt, const struct ovm_track *t,
    struct ovm_err *err)
{
	int rc;

	memset(tc, 0, sizeof(*tc));
	tc->pt = pt;
	tc->t = t;
	pt->cfg = t;
	rc = ovm_pathfilter_compile(&tc->paths, (const char *const *)t->paths.v,
	    t->paths.n, err);
	if (rc == 0)
		rc = ovm_pathfilter_compile(&tc->watch,
		    (const char *const *)t->watch.v, t->watch.n, err);
	if (rc == 0)
		rc = compile_tpls(&tc->tag_tpl, &t->tags, err);
	if (rc == 0 && t->from_tags.n > 0) {
		rc = compile_tpls(&tc->from_tpl, &t->from_tags, err);
		tc->n_from = t->from_tags.n;
	} else if (rc == 0) {
		/* A Dockerfile track's family is the tags it creates. */
		tc->from_tpl = tc->tag_tpl;
		tc->n_from = t->tags.n;
	}
	if (rc == 0 && t->commit != NULL)
		rc = ovm_template_compile(&tc->commit_tpl, t->commit,
		    OVM_TPL_COMMIT, err);
	return rc;
}

static int
gather(struct builder *b, struct tctx *tcs, size_t n, struct tctx *tc,
    enum ovm_need need)
{
	int rc = 0;

	switch (need) {
	case OVM_NEED_CHANGED:
		rc = plan_load_changed(b, tcs, n);
		if (rc == 0)
			rc = plan_fact_changed(b, tc);
		break;
	case OVM_NEED_HEAD_BUMP:
		rc = plan_fact_head_bump(b, tc);
		break;
	case OVM_NEED_RANGE_TOKEN:
		rc = plan_fact_range_token(b, tc);
		break;
	case OVM_NEED_VERSION_ONLY:
		rc = plan_fact_version_only(b, tc);
		break;
	case OVM_NEED_CATCH_UP:
		/*
		 * Only a warning depends on it (unless catch_up): a broken tag
		 * ref must not turn a quiet push into an error.
		 */
		rc = plan_fact_unreleased(b, tc);
		if (rc < 0 && rc != OVM_ENOMEM && !tc->t->catch_up) {
			if (ovm_strv_pushf(&tc->pt->warnings, "cannot check for "
			    "unreleased changes: %s", b->err->msg) < 0)
				return ovm_err_nomem(b->err);
			ovm_err_clear(b->err);
			tc->f.unreleased_changes = 0;
			rc = 0;
		}
		break;
	case OVM_NEED_RELEASED:
		rc = plan_fact_released(b, tc);
		break;
	case OVM_NEED_TAG_STATE:
		rc = plan_fact_tag_state(b, tc);
		break;
	default:
		rc = ovm_err_set(b->err, OVM_EGIT, "internal: unknown need %d",
		    (int)need);
	}
	tc->f.known |= (unsigned)need;
	return rc;
}

static void
init_facts(struct builder *b, struct tctx *tc)
{
	const struct ovm_event *ev = &b->p->ev;
	struct ovm_facts *f = &tc->f;

	memset(f, 0, sizeof(*f));
	f->kind = ev->kind;
	f->ref_is_branch = ev->branch != NULL;
	f->deleted = ev->deleted;
	f->release_branch = ovm_config_is_release_branch(b->cfg, ev->branch);
	f->in_ci = b->o->in_ci;
	f->guard_env = b->o->guard_env;
	f->head_ci_skip = b->head_message != NULL &&
	    ovm_message_has_ci_skip(b->head_message);
	f->no_upstream = ev->kind == OVM_EV_LOCAL && b->before == NULL;
	f->before_zero = b->before != NULL && ovm_oid_is_zero(b->before);
	f->before_missing = b->before != NULL && !f->before_zero &&
	    !ovm_git_has_commit(b->repo, b->before);
	f->has_skip_token = tc->t->skip_token != NULL;
	f->has_commit_template = tc->commit_tpl != NULL;
	f->is_dockerfile = tc->t->from_dockerfile != NULL;
	f->catch_up = tc->t->catch_up;
	f->head_has_skip_token = tc->t->skip_token != NULL &&
	    b->head_message != NULL &&
	    strstr(b->head_message, tc->t->skip_token) != NULL;
	f->check_unreleased = b->o->check_unreleased;
}

static int
decide_track(struct builder *b, struct tctx *tcs, size_t n, struct tctx *tc)
{
	struct ovm_plan_track *pt = tc->pt;
	struct ovm_verdict v;
	int rc, guard = 0;

	init_facts(b, tc);
	for (;;) {
		v = ovm_policy_decide(&tc->f);
		if (v.decision != OVM_DEC_NONE)
			break;
		rc = gather(b, tcs, n, tc, v.need);
		if (rc < 0 && pt->exit_code == 0)
			return rc;
		if (pt->exit_code != 0)
			return 0;	/* a track error, recorded */
		if (++guard > 16)
			return ovm_err_set(b->err, OVM_EGIT,
			    "internal: the policy does not converge");
	}
	pt->decision = v.decision;
	pt->reason = v.reason;
	pt->candidate = v.candidate;
	pt->needs_remote = v.candidate || tc->f.head_is_bump;
	if (v.warn_unreleased && ovm_strv_pushf(&pt->warnings,
	    "%s: trigger files changed since the latest release %s in commits "
	    "no release took (a replaced CI run?); set \"catch_up\": true or "
	    "dispatch a release", pt->cfg->name,
	    pt->previous != NULL ? pt->previous : "") < 0)
		return ovm_err_nomem(b->err);
	if (v.reason == OVM_R_BEFORE_UNAVAILABLE) {
		ovm_err_set(&pt->err, OVM_EENV,
		    "'before' %s is not in this repository (a force-push dropped "
		    "it?)", b->before);
		ovm_err_hint(&pt->err, "fetch it, or pass --before with the commit "
		    "the remote branch was at");
		pt->exit_code = 3;
		return 0;
	}
	if (v.decision == OVM_DEC_REFUSE && v.reason == OVM_R_BRANCH) {
		ovm_err_set(&pt->err, OVM_EREFUSED,
		    "refusing to release from '%s': not a release branch",
		    b->p->ev.branch != NULL ? b->p->ev.branch : "");
		pt->exit_code = 1;
		return 0;
	}
	if (v.compute_version || v.decision == OVM_DEC_RELEASE) {
		rc = plan_compute_version(b, tc);
		if (rc < 0 && pt->exit_code == 0)
			return rc;
		if (pt->exit_code != 0)
			return 0;
	}
	if (v.reason == OVM_R_VERSION_UNCHANGED &&
	    ovm_strv_pushf(&pt->notices, "%s %s is already tagged on an earlier "
	    "commit: the Dockerfile changed but its FROM tag did not",
	    pt->cfg->name, pt->version) < 0)
		return ovm_err_nomem(b->err);
	rc = plan_track_actions(b, tc);
	if (rc < 0 && pt->exit_code == 0)
		return rc;
	if (v.decision == OVM_DEC_REFUSE && v.reason == OVM_R_CONFLICT) {
		ovm_err_set(&pt->err, OVM_EREFUSED,
		    "%s %s: a tag of this version exists on a commit outside "
		    "%.12s's history", pt->cfg->name, pt->version, b->after);
		ovm_err_hint(&pt->err, "bump the version, or delete the stray tag "
		    "if it was never released");
		pt->exit_code = 1;
	}
	return 0;
}

static int
selected(const struct ovm_plan_opts *o, const char *name)
{
	return o->only == NULL || o->only->n == 0 ||
	    ovm_strv_contains(o->only, name);
}

int
ovm_plan_build(struct ovm_plan *out, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_event *ev,
    const struct ovm_plan_opts *opts, struct ovm_err *err)
{
	struct builder b;
	struct tctx *tcs = NULL;
	size_t i, n = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.repo = repo;
	b.cfg = cfg;
	b.o = opts;
	b.p = out;
	b.err = err;
	out->ev = *ev;	/* shallow: strings are duplicated below */
	out->ev.name = ovm_strdup(ev->name);
	out->ev.before = ovm_strdup(ev->before);
	out->ev.after = ovm_strdup(ev->after);
	out->ev.head_message = ovm_strdup(ev->head_message);
	out->ev.ref = ovm_strdup(ev->ref);
	out->ev.branch = ovm_strdup(ev->branch);
	out->config_path = ovm_strdup(opts->config_path != NULL ?
	    opts->config_path : OVM_CONFIG_FILE);
	out->tags_remote = opts->remote_tags != NULL;
	b.before = out->ev.before;
	b.after = out->ev.after;
	b.head_message = out->ev.head_message;
	for (i = 0; i < cfg->n_tracks; i++)
		if (selected(opts, cfg->tracks[i].name))
			n++;
	out->tracks = calloc(n + 1, sizeof(*out->tracks));
	tcs = calloc(n + 1, sizeof(*tcs));
	if (out->tracks == NULL || tcs == NULL) {
		rc = ovm_err_nomem(err);
		goto done;
	}
	for (i = 0; i < cfg->n_tracks; i++) {
		if (!selected(opts, cfg->tracks[i].name))
			continue;
		rc = tctx_init(&tcs[out->n_tracks], &out->tracks[out->n_tracks],
		    &cfg->tracks[i], err);
		out->n_tracks++;
		if (rc < 0)
			goto done;
	}
	for (i = 0; i < out->n_tracks; i++) {
		rc = decide_track(&b, tcs, out->n_tracks, &tcs[i]);
		if (rc < 0)
			goto done;
	}
done:
	for (i = 0; tcs != NULL && i < out->n_tracks; i++)
		tctx_free(&tcs[i]);
	free(tcs);
	ovm_strv_free(&b.changed);
	if (rc < 0)
		ovm_plan_free(out);
	return rc;
}

static void
track_reset_release(struct ovm_plan_track *t)
{
	size_t j;

	free(t->previous);
	free(t->version);
	free(t->package_version);
	t->previous = t->version = t->package_version = NULL;
	for (j = 0; j < t->n_files; j++) {
		free(t->files[j].path);
		free(t->files[j].from);
		free(t->files[j].to);
		free(t->files[j].content);
	}
	free(t->files);
	t->files = NULL;
	t->n_files = 0;
	free(t->commit_message);
	t->commit_message = NULL;
	t->commit_id.hex[0] = '\0';
	t->commit_parent.hex[0] = '\0';
	for (j = 0; j < t->n_tags; j++)
		free(t->tags[j].name);
	free(t->tags);
	t->tags = NULL;
	t->n_tags = 0;
}

void
ovm_plan_free(struct ovm_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p->tracks != NULL && i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];

		track_reset_release(t);
		free(t->image_ref);
		free(t->digest);
		ovm_strv_free(&t->changed);
		ovm_strv_free(&t->warnings);
		ovm_strv_free(&t->notices);
	}
	free(p->tracks);
	ovm_event_free(&p->ev);
	free(p->head_branch);
	free(p->config_path);
	ovm_strv_free(&p->warnings);
	memset(p, 0, sizeof(*p));
}

int
ovm_plan_exit_code(const struct ovm_plan *p)
{
	static const int order[] = { 4, 3, 2, 1 };
	size_t i, k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < p->n_tracks; i++)
			if (p->tracks[i].exit_code == order[k])
				return order[k];
	return 0;
}

int
ovm_plan_rebase_track(struct ovm_plan_track *pt, struct ovm_repo *repo,
    const struct ovm_config *cfg, const char *new_parent,
    const struct ovm_tagv *remote_tags, struct ovm_err *err)
{
	struct ovm_plan p;
	struct ovm_plan_opts o;
	struct builder b;
	struct tctx tc;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	memset(&b, 0, sizeof(b));
	o.remote_tags = remote_tags;
	b.repo = repo;
	b.cfg = cfg;
	b.o = &o;
	b.p = &p;
	b.after = new_parent;
	b.err = err;
	track_reset_release(pt);
	rc = tctx_init(&tc, pt, pt->cfg, err);
	if (rc == 0)
		rc = plan_compute_version(&b, &tc);
	if (rc == 0 && pt->exit_code == 0)
		rc = plan_track_actions(&b, &tc);
	tctx_free(&tc);
	return rc < 0 ? rc : pt->exit_code != 0 ? pt->err.code : 0;
}

void
ovm_plan_track_refuse(struct ovm_plan_track *t, int exit_code,
    const struct ovm_err *e)
{
	t->err = *e;
	t->exit_code = exit_code;
	t->result = exit_code == 4 ? OVM_RES_PARTIAL : exit_code == 1 ?
	    OVM_RES_REFUSED : OVM_RES_ERROR;
}
