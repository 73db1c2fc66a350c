/*
 * ovm-release hook post-commit: after each commit, one line per track that
 * the commit will release on push (or on merge), or silence.  It never
 * fails a commit, never touches the network, and must feel instant: the
 * lazy policy asks only for what the prediction needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply/release.h"
#include "cli/cli.h"
#include "plan/inputs.h"
#include "plan/load.h"
#include "plan/plan.h"
#include "util/util.h"

static int
gitdir_has(struct ovm_repo *repo, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", ovm_git_gitdir(repo), name);
	return stat(path, &st) == 0;
}

/*
 * Commits made by a rebase, inside a multi-commit cherry-pick or revert,
 * or during a bisect are not announced.  git has removed MERGE_HEAD and
 * CHERRY_PICK_HEAD by now, so HEAD's reflog message and the sequencer
 * directory tell.
 */
static int
replayed_commit(struct ovm_repo *repo)
{
	char *msg = NULL;
	int quiet = 0;

	if (gitdir_has(repo, "rebase-merge") || gitdir_has(repo, "rebase-apply") ||
	    gitdir_has(repo, "sequencer") || gitdir_has(repo, "BISECT_LOG"))
		return 1;
	if (ovm_git_head_reflog_message(&msg, repo, NULL) == 0 && msg != NULL)
		quiet = strncmp(msg, "rebase", 6) == 0;
	free(msg);
	return quiet;
}

static int
on_release_branch(struct ovm_repo *repo, const struct ovm_config *cfg)
{
	struct ovm_head head;
	int yes;

	if (ovm_git_head(&head, repo, NULL) < 0)
		return 0;
	yes = ovm_config_is_release_branch(cfg, head.branch);
	ovm_head_free(&head);
	return yes;
}

static void
print_line(const struct ovm_plan *p, const struct ovm_plan_track *t, int utf8)
{
	size_t j;

	printf("ovm-release: %s %s %s %s %s", t->cfg->name,
	    t->previous != NULL ? t->previous : "(none)", utf8 ? "\u2192" : "->",
	    t->version != NULL ? t->version : "?",
	    p->merge_prediction ? "on merge into" : "on push");
	if (p->merge_prediction)
		printf(" %s", p->ev.branch);
	if (t->reason == OVM_R_CHANGED && t->changed.n > 0) {
		printf(" (");
		for (j = 0; j < t->changed.n; j++) {
			char *e = ovm_escape_ctrl(t->changed.v[j]);

			printf("%s%s", j ? ", " : "", e != NULL ? e : "?");
			free(e);
		}
		printf(" changed)\n");
	} else {
		printf(" (%s)\n", ovm_reason_words(t->reason));
	}
}

static int
notify(const struct ovm_opts *o, struct ovm_repo *repo,
    const struct ovm_config *cfg, struct ovm_err *err)
{
	struct ovm_inputs in;
	struct ovm_plan plan;
	struct ovm_plan_opts po;
	struct ovm_input_flags fl = { NULL, NULL, NULL, NULL, o->remote };
	char *watch = NULL;
	size_t i;
	int rc, utf8;

	memset(&plan, 0, sizeof(plan));
	rc = ovm_inputs_resolve(&in, repo, cfg, &fl, err);
	if (rc < 0)
		return rc;
	watch = ovm_config_watch_path(repo, o->config);
	memset(&po, 0, sizeof(po));
	po.only = &o->tracks;
	po.config_path = watch;
	/* Never the network, and no history walk a warning alone needs. */
	po.check_unreleased = 0;
	rc = ovm_plan_build(&plan, repo, cfg, &in.ev, &po, err);
	if (rc < 0)
		goto done;
	plan.merge_prediction = in.merge_prediction;
	/* The head is a bump commit (ours or a hand-made one): silent. */
	for (i = 0; i < plan.n_tracks; i++)
		if (plan.tracks[i].reason == OVM_R_BUMP_COMMIT ||
		    (plan.tracks[i].reason == OVM_R_COMPLETE &&
		    plan.ev.after != NULL &&
		    strcmp(plan.tracks[i].commit_id.hex, plan.ev.after) == 0))
			goto done;
	utf8 = ovm_utf8_locale();
	for (i = 0; i < plan.n_tracks; i++) {
		const struct ovm_plan_track *t = &plan.tracks[i];

		if (t->exit_code != 0) {
			ovm_cli_warn("%s: %s", t->cfg->name, t->err.msg);
			continue;
		}
		if (t->decision == OVM_DEC_RELEASE)
			print_line(&plan, t, utf8);
	}
done:
	free(watch);
	ovm_plan_free(&plan);
	ovm_inputs_free(&in);
	return rc;
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

/*
 * Tag mode: the release made locally, nothing fetched or pushed, and one
 * warning line at most on failure (the hook never fails a commit).
 */
static void
tag_mode(const struct ovm_opts *o)
{
	struct ovm_release_opts ro;
	struct ovm_release r;
	struct ovm_err err = OVM_ERR_INIT;
	int rc;

	cli_release_opts(&ro, o);
	ro.no_fetch = ro.no_push = 1;
	ro.hook = 1;
	rc = ovm_release_prepare(&r, &ro, &err);
	cli_release_report(&r, 1);
	if (rc == 0)
		rc = ovm_release_apply(&r, &err);
	if (rc == 0)
		hook_summary(&r.plan, r.in.remote);
	else
		ovm_cli_warn("post-commit: %s", err.msg);
	ovm_release_free(&r);
}

int
cmd_hook(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_config cfg;
	struct ovm_err err = OVM_ERR_INIT;
	const char *active = getenv("OVM_RELEASE_ACTIVE");
	int rc;

	if (o->argc != 1 || strcmp(o->argv[0], "post-commit") != 0) {
		fprintf(stderr, "ovm-release: error: usage: ovm-release hook "
		    "post-commit\n");
		return 2;
	}
	if (active != NULL && active[0] != '\0')
		return 0;
	/* Never in the way of a commit, even on a corrupt repository. */
	ovm_cpu_limit(10, NULL, "ovm-release: warning: post-commit: gave up", 0);
	memset(&cfg, 0, sizeof(cfg));
	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc == 0 && replayed_commit(repo))
		goto done;
	if (rc == 0)
		rc = ovm_load_repo_config(&cfg, repo, o->config, &err);
	/*
	 * Tag mode releases only on a release branch: elsewhere the tags
	 * would sit off the remote branch, so a feature branch is notified.
	 */
	if (rc == 0 && strcmp(cfg.hook_mode, "tag") == 0 &&
	    on_release_branch(repo, &cfg)) {
		ovm_config_free(&cfg);
		ovm_git_close(repo);
		repo = NULL;
		tag_mode(o);
		return 0;
	}
	if (rc == 0)
		rc = notify(o, repo, &cfg, &err);
done:
	/* The hook never fails a commit: one warning line at most. */
	if (rc < 0)
		ovm_cli_warn("post-commit: %s", err.msg);
	ovm_config_free(&cfg);
	ovm_git_close(repo);
	return 0;
}
