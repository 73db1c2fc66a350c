/*
 * The release operation (doc/decisions.md#what-run-does): stage A on the checkout without
 * network; for candidates the remote's refs decide (stage B); then
 * ovm_apply bumps, commits, tags and pushes.  `run` and the hook's tag
 * mode both come here; they print what the struct holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/release.h"
#include "plan/load.h"
#include "plan/remote.h"
#include "util/util.h"

/* A bad OVM_RELEASE_TIMEOUT is reported by main (check_env). */
static unsigned
net_timeout(void)
{
	long v = 120;

	ovm_parse_count(&v, getenv("OVM_RELEASE_TIMEOUT"), 1, 86400);
	return (unsigned)v;
}

/* The event first (with the working tree's config), then after's. */
static int
load_event(struct ovm_release *r, const struct ovm_release_opts *o,
    struct ovm_err *err)
{
	const char *after;
	int rc;

	rc = ovm_load_repo_config(&r->wcfg, r->repo, o->config_file, err);
	if (rc == 0)
		rc = ovm_inputs_resolve(&r->in, r->repo, &r->wcfg, &o->flags,
		    err);
	if (rc < 0)
		return rc;
	after = r->in.ev.after;
	if (after != NULL && !ovm_oid_is_zero(after))
		rc = ovm_load_commit_config(&r->cfg, r->repo, after,
		    o->config_file, err);
	else
		rc = ovm_load_repo_config(&r->cfg, r->repo, o->config_file, err);
	if (rc == 0)
		rc = ovm_check_tracks(&r->cfg, o->only, err);
	return rc;
}

/* Rule A7: a before that a force-push dropped is fetched first. */
static int
fetch_before(struct ovm_release *r, struct ovm_err *err)
{
	const struct ovm_event *ev = &r->in.ev;
	int rc;

	if (ev->before == NULL || ovm_oid_is_zero(ev->before) ||
	    ovm_git_has_commit(r->repo, ev->before) || ev->branch == NULL)
		return 0;
	rc = ovm_credentials(&r->ao.ro, &r->hdr, &r->cred_src, r->repo, err);
	if (rc < 0)
		return rc;
	ovm_watchdog(r->ao.timeout, &r->lock, "fetching from the remote");
	rc = ovm_fetch_before(r->repo, &r->ao.ro, ev->branch, ev->before, err);
	ovm_watchdog(0, NULL, NULL);
	return rc;
}

/*
 * Stage B: the remote's tags and branch tip, the branch's new commits
 * fetched (B1 reads them), and the plan rebuilt from them.
 */
static int
stage_b(struct ovm_release *r, struct ovm_err *err)
{
	const char *branch = r->in.ev.branch;
	char msg[256];
	int rc;

	if (r->cred_src == NULL && r->hdr == NULL) {
		rc = ovm_credentials(&r->ao.ro, &r->hdr, &r->cred_src, r->repo,
		    err);
		if (rc < 0)
			return rc;
	}
	r->listed_remote = 1;
	snprintf(msg, sizeof(msg), "listing refs of remote '%s'", r->in.remote);
	ovm_watchdog(r->ao.timeout, &r->lock, msg);
	rc = ovm_git_ls_remote(&r->remote_tags, &r->ao.remote_tip, r->repo,
	    &r->ao.ro, branch, err);
	ovm_watchdog(0, NULL, NULL);
	if (rc < 0)
		return rc;
	if (r->ao.remote_tip.hex[0] != '\0' &&
	    !ovm_git_has_commit(r->repo, r->ao.remote_tip.hex) &&
	    branch != NULL) {
		ovm_watchdog(r->ao.timeout, &r->lock, "fetching from the remote");
		rc = ovm_fetch_branch(r->repo, &r->ao.ro, branch, err);
		ovm_watchdog(0, NULL, NULL);
		if (rc < 0)
			return rc;
	}
	ovm_plan_free(&r->plan);
	r->po.remote_tags = &r->remote_tags;
	r->po.remote_branch_tip = r->ao.remote_tip.hex;
	rc = ovm_plan_build(&r->plan, r->repo, &r->cfg, &r->in.ev, &r->po, err);
	if (rc < 0)
		return rc;
	ovm_warn_local_only(&r->plan, r->repo, &r->remote_tags);
	return 0;
}

int
ovm_release_prepare(struct ovm_release *r, const struct ovm_release_opts *o,
    struct ovm_err *err)
{
	const char *active = getenv("OVM_RELEASE_ACTIVE");
	int rc, need_remote = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	rc = ovm_open_repo(&r->repo, o->repo_dir, err);
	if (rc < 0)
		return rc;
	rc = ovm_lock_acquire(&r->lock, ovm_git_commondir(r->repo), err);
	if (rc < 0)
		return rc;
	if (!o->hook)
		ovm_cpu_limit(300, &r->lock, "ovm-release: error: gave up", 3);
	rc = load_event(r, o, err);
	if (rc < 0)
		return rc;
	r->watch = ovm_config_watch_path(r->repo, o->config_file);
	r->ao.cfg = &r->cfg;
	r->ao.ro.remote = r->in.remote;
	r->ao.timeout = net_timeout();
	r->ao.lock = &r->lock;
	r->ao.no_push = o->no_push;
	r->ao.no_fetch = o->no_fetch;
	r->ao.remote_tags = &r->remote_tags;
	r->ao.po = &r->po;
	if (!o->no_fetch && (rc = fetch_before(r, err)) < 0)
		return rc;
	r->po.only = o->only;
	r->po.in_ci = r->in.in_ci;
	r->po.guard_env = active != NULL && active[0] != '\0';
	r->po.check_unreleased = 1;
	r->po.config_path = r->watch;
	/* Stage A on the checkout: no network. */
	rc = ovm_plan_build(&r->plan, r->repo, &r->cfg, &r->in.ev, &r->po, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < r->plan.n_tracks; i++)
		if (r->plan.tracks[i].needs_remote &&
		    r->plan.tracks[i].exit_code == 0)
			need_remote = 1;
	if (need_remote && !o->no_fetch) {
		if ((rc = stage_b(r, err)) < 0)
			return rc;
	} else if (need_remote) {
		ovm_strv_push(&r->plan.warnings, "--no-fetch: tags as of the "
		    "last fetch decide");
	}
	r->plan.merge_prediction = r->in.merge_prediction;
	if (r->in.in_ci && r->po.guard_env)
		ovm_strv_push(&r->plan.warnings,
		    "OVM_RELEASE_ACTIVE is set but ignored in CI");
	/* The bump commit's identity (doc/decisions.md#the-bump-commit). */
	if (r->cfg.identity_name != NULL) {
		r->ao.sig.name = r->cfg.identity_name;
		r->ao.sig.email = r->cfg.identity_email;
	} else if (r->in.in_ci) {
		r->ao.sig.name = OVM_BOT_NAME;
		r->ao.sig.email = OVM_BOT_EMAIL;
	}
	if (!o->no_fetch)
		ovm_verify_images(&r->plan);	/* before anything is written */
	return 0;
}

int
ovm_release_apply(struct ovm_release *r, struct ovm_err *err)
{
	int rc;

	rc = ovm_apply_precheck(&r->plan, r->repo, err);
	if (rc == 0)
		rc = ovm_apply(&r->plan, r->repo, &r->ao, err);
	if (rc < 0)
		return rc;
	r->plan.applied = 1;
	return 0;
}

void
ovm_release_free(struct ovm_release *r)
{
	free(r->hdr);
	free(r->cred_src);
	free(r->watch);
	free(r->ao.remote_name);
	ovm_tagv_free(&r->remote_tags);
	ovm_plan_free(&r->plan);
	ovm_inputs_free(&r->in);
	ovm_config_free(&r->wcfg);
	ovm_config_free(&r->cfg);
	ovm_lock_release(&r->lock);
	ovm_git_close(r->repo);
	memset(r, 0, sizeof(*r));
}
