/*
 * ovm-release run: the CI step.  Stage A on the checkout without network;
 * for candidates, the remote's refs decide; then bump, commit, tag, push.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "cli/cli.h"
#include "plan/load.h"
#include "plan/remote.h"
#include "plan/inputs.h"
#include "apply/lock.h"
#include "cli/out.h"
#include "plan/plan.h"
#include "util/util.h"

#define BOT_NAME "github-actions[bot]"
#define BOT_EMAIL "41898282+github-actions[bot]@users.noreply.github.com"

/* The configuration of the commit being released (SPEC 3.1). */
static int
config_at_after(struct ovm_config *out, struct ovm_repo *repo,
    const struct ovm_opts *o, const char *after, struct ovm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned mode = 0;
	int rc;

	if (o->config != NULL)
		return ovm_load_repo_config(out, repo, o->config, err);
	rc = ovm_git_blob_at(&buf, &len, &mode, repo, after, OVM_CONFIG_FILE,
	    err);
	if (rc == OVM_ENOTFOUND)
		return ovm_config_load(out, NULL, 0, NULL, err);
	if (rc < 0)
		return rc;
	if (buf == NULL) {
		ovm_err_set(err, OVM_ECONFIG, "%s at %.12s is not a regular "
		    "file (mode %06o)", OVM_CONFIG_FILE, after, mode);
		return ovm_err_hint(err, "commit the configuration itself, not a "
		    "link to it, or pass --config FILE");
	}
	rc = ovm_config_load(out, buf, len, OVM_CONFIG_FILE, err);
	free(buf);
	return rc;
}

/* A bad OVM_RELEASE_TIMEOUT is reported by main (check_env). */
static unsigned
net_timeout(void)
{
	long v = 120;

	ovm_parse_count(&v, getenv("OVM_RELEASE_TIMEOUT"), 1, 86400);
	return (unsigned)v;
}

/* Tag mode of the hook: what was made locally, and how to push it. */
static void
hook_summary(const struct ovm_plan *p, const char *remote)
{
	struct ovm_buf cmd = OVM_BUF_INIT;
	size_t i, j;
	int any = 0;

	ovm_buf_printf(&cmd, "git push %s %s", remote, p->ev.branch);
	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_plan_track *t = &p->tracks[i];

		if (t->exit_code != 0) {
			ovm_cli_warn("post-commit: %s: %s", t->cfg->name, t->err.msg);
			continue;
		}
		if (t->result != OVM_RES_RELEASED && t->result != OVM_RES_COMPLETED)
			continue;
		any = 1;
		printf("ovm-release: %s %s tagged locally%s%.12s\n", t->cfg->name,
		    t->version, t->commit_id.hex[0] ? " on bump commit " : "",
		    t->commit_id.hex);
		for (j = 0; j < t->n_tags; j++)
			if (t->tags[j].made)
				ovm_buf_printf(&cmd, " && git push %s refs/tags/%s",
				    remote, t->tags[j].name);
	}
	if (any)
		printf("ovm-release: push with: %s\n", cmd.ptr);
	ovm_buf_free(&cmd);
}

int
cmd_run(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_config wcfg, cfg;
	struct ovm_inputs in;
	struct ovm_plan plan;
	struct ovm_plan_opts po;
	struct ovm_apply_opts ao;
	struct ovm_lock lock;
	struct ovm_tagv remote_tags = { NULL, 0, 0 };
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_input_flags fl = { o->event, o->before, o->after, o->branch,
	    o->remote };
	const char *active = getenv("OVM_RELEASE_ACTIVE");
	char *watch = NULL, *hdr = NULL, *uname = NULL, *uemail = NULL;
	char *cred_src = NULL;
	int rc, status = 0, need_remote = 0;
	size_t i;

	memset(&wcfg, 0, sizeof(wcfg));
	memset(&cfg, 0, sizeof(cfg));
	memset(&in, 0, sizeof(in));
	memset(&plan, 0, sizeof(plan));
	memset(&ao, 0, sizeof(ao));
	memset(&lock, 0, sizeof(lock));
	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc < 0)
		goto fail;
	rc = ovm_lock_acquire(&lock, ovm_git_commondir(repo), &err);
	if (rc < 0)
		goto fail;
	if (!o->hook)
		ovm_cpu_limit(300, &lock, "ovm-release: error: gave up", 3);
	if (lock.reclaimed_from != 0)
		ovm_cli_warn("reclaimed a stale lock of process %ld ('%s')",
		    (long)lock.reclaimed_from, lock.path);
	/* The event first (with the working tree's config), then after's. */
	rc = ovm_load_repo_config(&wcfg, repo, o->config, &err);
	if (rc == 0)
		rc = ovm_inputs_resolve(&in, repo, &wcfg, &fl, &err);
	if (rc == 0 && in.ev.after != NULL && !ovm_oid_is_zero(in.ev.after))
		rc = config_at_after(&cfg, repo, o, in.ev.after, &err);
	else if (rc == 0)
		rc = ovm_load_repo_config(&cfg, repo, o->config, &err);
	if (rc == 0)
		rc = ovm_check_tracks(&cfg, o, &err);
	if (rc < 0)
		goto fail;
	watch = ovm_config_watch_path(repo, o->config);
	ao.cfg = &cfg;
	ao.ro.remote = in.remote;
	ao.timeout = net_timeout();
	ao.lock = &lock;
	/* A7: a before that a force-push dropped is fetched first. */
	if (!o->no_fetch && in.ev.before != NULL &&
	    !ovm_oid_is_zero(in.ev.before) &&
	    !ovm_git_has_commit(repo, in.ev.before) && in.ev.branch != NULL) {
		rc = ovm_credentials(&ao.ro, &hdr, &cred_src, repo, &err);
		if (rc == 0) {
			ovm_watchdog(ao.timeout, &lock, "fetching from the remote");
			rc = ovm_fetch_before(repo, &ao.ro, in.ev.branch,
			    in.ev.before, &err);
			ovm_watchdog(0, NULL, NULL);
		}
		if (rc < 0)
			goto fail;
	}
	memset(&po, 0, sizeof(po));
	po.only = &o->tracks;
	po.in_ci = in.in_ci;
	po.guard_env = active != NULL && active[0] != '\0';
	po.check_unreleased = 1;
	po.config_path = watch;
	po.remote_branch_tip = NULL;
	/* Stage A on the checkout: no network. */
	rc = ovm_plan_build(&plan, repo, &cfg, &in.ev, &po, &err);
	if (rc < 0)
		goto fail;
	for (i = 0; i < plan.n_tracks; i++)
		if (plan.tracks[i].needs_remote && plan.tracks[i].exit_code == 0)
			need_remote = 1;
	ao.no_push = o->no_push;
	ao.no_fetch = o->no_fetch;
	ao.remote_tags = &remote_tags;
	if (need_remote && !o->no_fetch) {
		if (cred_src == NULL && hdr == NULL) {
			rc = ovm_credentials(&ao.ro, &hdr, &cred_src, repo, &err);
			if (rc < 0)
				goto fail;
		}
		if (cred_src != NULL && !o->hook)
			fprintf(stderr, "ovm-release: credentials: %s\n", cred_src);
		if (cred_src != NULL && !o->hook &&
		    (strcmp(cred_src, "GITHUB_TOKEN") == 0 ||
		    strcmp(cred_src, "GH_TOKEN") == 0))
			ovm_cli_warn("tags pushed with GitHub's workflow token start "
			    "no other workflows: use a GitHub App token "
			    "(OVM_RELEASE_TOKEN)");
		{
			char msg[256];

			snprintf(msg, sizeof(msg), "listing refs of remote '%s'",
			    in.remote);
			ovm_watchdog(ao.timeout, &lock, msg);
		}
		rc = ovm_git_ls_remote(&remote_tags, &ao.remote_tip, repo, &ao.ro,
		    in.ev.branch, &err);
		ovm_watchdog(0, NULL, NULL);
		if (rc < 0)
			goto fail;
		/* B1 reads the remote branch: bring its new commits here. */
		if (rc == 0 && ao.remote_tip.hex[0] != '\0' &&
		    !ovm_git_has_commit(repo, ao.remote_tip.hex) &&
		    in.ev.branch != NULL) {
			ovm_watchdog(ao.timeout, &lock, "fetching from the remote");
			rc = ovm_fetch_branch(repo, &ao.ro, in.ev.branch, &err);
			ovm_watchdog(0, NULL, NULL);
			if (rc < 0)
				goto fail;
		}
		/* Stage B from the remote's refs. */
		ovm_plan_free(&plan);
		po.remote_tags = &remote_tags;
		po.remote_branch_tip = ao.remote_tip.hex;
		rc = ovm_plan_build(&plan, repo, &cfg, &in.ev, &po, &err);
		if (rc < 0)
			goto fail;
		ovm_warn_local_only(&plan, repo, &remote_tags);
	} else if (need_remote) {
		ovm_strv_push(&plan.warnings, "--no-fetch: tags as of the last "
		    "fetch decide");
	}
	plan.merge_prediction = in.merge_prediction;
	if (in.in_ci && po.guard_env)
		ovm_strv_push(&plan.warnings,
		    "OVM_RELEASE_ACTIVE is set but ignored in CI");
	/* The bump commit's identity (SPEC 2.2). */
	if (cfg.identity_name != NULL) {
		ao.sig.name = cfg.identity_name;
		ao.sig.email = cfg.identity_email;
	} else if (in.in_ci) {
		ao.sig.name = BOT_NAME;
		ao.sig.email = BOT_EMAIL;
	}
	if (!o->no_fetch)
		ovm_verify_images(&plan);	/* before anything is written */
	/* The workflow must be able to read what is released. */
	if (in.in_ci && !o->hook && ovm_github_files_check(&err) < 0)
		goto fail;
	rc = ovm_apply_precheck(&plan, repo, &err);
	if (rc < 0)
		goto fail;
	ao.po = &po;
	rc = ovm_apply(&plan, repo, &ao, &err);
	if (rc < 0)
		goto fail;
	plan.applied = 1;
	if (o->hook) {
		hook_summary(&plan, in.remote);
		goto done;
	}
	if (o->json)
		ovm_plan_print_json(stdout, &plan, 1);
	else
		ovm_plan_print_human(stdout, &plan, ovm_use_color(),
		    ovm_utf8_locale());
	if (in.in_ci || o->annotate)
		ovm_plan_print_annotations(o->json ? stderr : stdout, &plan);
	if (in.in_ci && ovm_github_files(&plan, o->tracks.n == 1, &err) < 0)
		goto fail;
	status = ovm_plan_exit_code(&plan);
	for (i = 0; status != 0 && !o->json && i < plan.n_tracks; i++)
		if (plan.tracks[i].exit_code == status) {
			ovm_cli_error(&plan.tracks[i].err);
			break;
		}
	goto done;
fail:
	if (o->hook)
		ovm_cli_warn("post-commit: %s", err.msg);	/* never fails */
	else
		status = ovm_cli_error(&err);
done:
	free(uname);
	free(uemail);
	free(hdr);
	free(cred_src);
	free(watch);
	free(ao.remote_name);
	ovm_tagv_free(&remote_tags);
	ovm_plan_free(&plan);
	ovm_inputs_free(&in);
	ovm_config_free(&wcfg);
	ovm_config_free(&cfg);
	ovm_lock_release(&lock);
	ovm_git_close(repo);
	return status;
}
