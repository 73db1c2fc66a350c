/* ovm-release plan (--plan): what would be done and why; read-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/lock.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "plan/inputs.h"
#include "plan/load.h"
#include "plan/plan.h"
#include "plan/remote.h"

int
cmd_plan(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_config cfg;
	struct ovm_inputs in;
	struct ovm_plan plan;
	struct ovm_plan_opts po;
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_input_flags fl = { o->event, o->before, o->after, o->branch,
	    o->remote };
	const char *active = getenv("OVM_RELEASE_ACTIVE");
	struct ovm_oid tip = { "" };
	struct ovm_remote_opts ro = { NULL, NULL, NULL };
	struct ovm_tagv remote_tags = { NULL, 0, 0 };
	char *watch = NULL, *hdr = NULL, *cred_src = NULL;
	int rc, status;

	memset(&cfg, 0, sizeof(cfg));
	memset(&in, 0, sizeof(in));
	memset(&plan, 0, sizeof(plan));
	ovm_cpu_limit(120, NULL, "ovm-release: error: gave up", 3);
	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc == 0)
		rc = ovm_load_repo_config(&cfg, repo, o->config, &err);
	if (rc == 0)
		rc = ovm_check_tracks(&cfg, &o->tracks, &err);
	if (rc == 0)
		rc = ovm_inputs_resolve(&in, repo, &cfg, &fl, &err);
	if (rc < 0) {
		status = ovm_cli_error(&err);
		if (getenv("GITHUB_ACTIONS") != NULL && err.file[0] != '\0')
			printf("::error file=%s,line=%d::%s\n", err.file, err.line,
			    "input error (see the log)");
		goto done;
	}
	watch = ovm_config_watch_path(repo, o->config);
	memset(&po, 0, sizeof(po));
	if (o->online) {
		/* The remote's refs replace local tags; a missing before is fetched. */
		ro.remote = in.remote;
		rc = ovm_credentials(&ro, &hdr, &cred_src, repo, &err);
		if (rc == 0 && in.ev.before != NULL && in.ev.branch != NULL &&
		    !ovm_oid_is_zero(in.ev.before) &&
		    !ovm_git_has_commit(repo, in.ev.before))
			rc = ovm_fetch_before(repo, &ro, in.ev.branch,
			    in.ev.before, &err);
		if (rc == 0)
			rc = ovm_git_ls_remote(&remote_tags, &tip, repo, &ro,
			    in.ev.branch, &err);
		if (rc < 0) {
			status = ovm_cli_error(&err);
			goto done;
		}
		po.remote_tags = &remote_tags;
		po.remote_branch_tip = tip.hex;
	} else if (in.remote_branch_ref != NULL &&
	    ovm_git_ref_commit(&tip, repo, in.remote_branch_ref, NULL) == 0) {
		/* The remote branch as of the last fetch (rule B1). */
		po.remote_branch_tip = tip.hex;
	}
	po.only = &o->tracks;
	po.in_ci = in.in_ci;
	po.guard_env = active != NULL && active[0] != '\0';
	po.check_unreleased = 1;
	po.config_path = watch;
	rc = ovm_plan_build(&plan, repo, &cfg, &in.ev, &po, &err);
	if (rc < 0) {
		status = ovm_cli_error(&err);
		goto done;
	}
	plan.merge_prediction = in.merge_prediction;
	if (o->online) {
		ovm_warn_local_only(&plan, repo, &remote_tags);
		ovm_verify_images(&plan);
	}
	if (in.in_ci && po.guard_env)
		ovm_strv_push(&plan.warnings,
		    "OVM_RELEASE_ACTIVE is set but ignored in CI");
	if (o->json)
		rc = ovm_plan_print_json(stdout, &plan, 0);
	else
		rc = ovm_plan_print_human(stdout, &plan, ovm_use_color(),
		    ovm_utf8_locale());
	if (in.in_ci) {
		ovm_plan_print_annotations(o->json ? stderr : stdout, &plan);
		if (ovm_github_files(&plan, o->tracks.n == 1, &err) < 0) {
			status = ovm_cli_error(&err);
			goto done;
		}
	}
	status = ovm_plan_exit_code(&plan);
	if (status != 0 && !o->json) {
		size_t i;

		for (i = 0; i < plan.n_tracks; i++)
			if (plan.tracks[i].exit_code == status) {
				ovm_cli_error(&plan.tracks[i].err);
				break;
			}
	}
done:
	free(watch);
	free(hdr);
	free(cred_src);
	ovm_tagv_free(&remote_tags);
	ovm_plan_free(&plan);
	ovm_inputs_free(&in);
	ovm_config_free(&cfg);
	ovm_git_close(repo);
	return status;
}
