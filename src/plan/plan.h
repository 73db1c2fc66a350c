#ifndef OVM_PLAN_H
#define OVM_PLAN_H

/*
 * The plan: everything a release will do, per track — decision and reason,
 * versions, file edits, the commit, the tags and their targets.  `plan`
 * builds and prints it; `run` builds the same struct and applies it.
 */

#include <stdio.h>

#include "core/config.h"
#include "core/event.h"
#include "core/policy.h"
#include "git/git.h"

enum ovm_tag_state {
	OVM_TAG_CREATE,		/* will be created */
	OVM_TAG_EXISTS,		/* already there, on the right commit */
	OVM_TAG_CONFLICT,	/* there, on a commit outside after's history */
	OVM_TAG_MISSING,	/* part of an earlier release, not on the remote */
};

struct ovm_plan_tag {
	char *name;
	int on_bump;		/* target: the bump commit (target is then "") */
	struct ovm_oid target;
	enum ovm_tag_state state;
	int pushed;		/* run: this run pushed it */
	int made;		/* run: this run made it (locally with --no-push) */
};

struct ovm_plan_file {
	char *path;
	enum ovm_vf_format format;
	char *from;		/* version before ("" when none) */
	char *to;
	char *content;		/* the new bytes */
	size_t len;
	unsigned mode;		/* git file mode at after */
};

enum ovm_result {
	OVM_RES_NONE = 0,	/* plan only */
	OVM_RES_RELEASED,
	OVM_RES_COMPLETED,
	OVM_RES_PARTIAL,
	OVM_RES_REFUSED,
	OVM_RES_SKIPPED,
	OVM_RES_ERROR,
};

struct ovm_plan_track {
	const struct ovm_track *cfg;	/* borrowed from the config */
	enum ovm_decision decision;
	enum ovm_reason reason;
	enum ovm_result result;
	int exit_code;			/* this track's share of the exit status */
	int candidate;			/* stage A said candidate */
	int needs_remote;		/* deciding it needs the remote's tags */
	int branch_pushed;		/* run: the bump commit reached the remote */
	int pushed_refs;		/* run: refs this run pushed for the track */
	char *previous;			/* NULL: none */
	char *version;			/* NULL: not computed */
	char *package_version;
	char *image_ref;
	char *digest;
	int df_line;			/* line of the FROM, for annotations */
	struct ovm_strv changed;	/* changed trigger and watched paths */
	struct ovm_plan_file *files;
	size_t n_files;
	char *commit_message;		/* NULL: no commit */
	struct ovm_oid commit_id;	/* set by run, or an existing bump commit */
	struct ovm_oid commit_parent;
	struct ovm_plan_tag *tags;
	size_t n_tags;
	struct ovm_strv warnings;
	struct ovm_strv notices;
	struct ovm_err err;		/* the track's error, when exit_code != 0 */
};

struct ovm_plan {
	struct ovm_event ev;		/* resolved: before, after, branch */
	int merge_prediction;		/* local, on a feature branch */
	char *head_branch;		/* local: the branch HEAD is on */
	int tags_remote;		/* tags read from the remote's refs */
	int applied;			/* run: the plan was applied */
	char *config_path;		/* repository-relative, watched by every track */
	struct ovm_plan_track *tracks;
	size_t n_tracks;
	struct ovm_strv warnings;
};

/* How to build the plan. */
struct ovm_plan_opts {
	const struct ovm_strv *only;	/* --track names, NULL/empty: all */
	int in_ci;			/* GitHub Actions */
	int guard_env;			/* OVM_RELEASE_ACTIVE set */
	int check_unreleased;		/* look for unreleased changes */
	const char *config_path;	/* repository-relative config path */
	const struct ovm_tagv *remote_tags;	/* NULL: local tags */
	const char *remote_branch_tip;	/* the remote branch, "" or NULL: unknown */
};

/*
 * Builds the plan for ev (already resolved: before/after/branch known).
 * Track-level problems (bad Dockerfile, conflict, missing before) are
 * recorded per track; only environment failures return an error.
 */
int ovm_plan_build(struct ovm_plan *out, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_event *ev,
    const struct ovm_plan_opts *opts, struct ovm_err *err);

void ovm_plan_free(struct ovm_plan *p);

/* The exit status (doc/decisions.md#exit-codes): the most severe track, 4 > 3 > 2 > 1. */
int ovm_plan_exit_code(const struct ovm_plan *p);

/*
 * Recomputes a from_tags track's release on a new parent (a racing push
 * moved the branch): previous from tags, version, file edits, the commit
 * and tags.  The decision stays.
 */
int ovm_plan_rebase_track(struct ovm_plan_track *pt, struct ovm_repo *repo,
    const struct ovm_config *cfg, const char *new_parent,
    const struct ovm_tagv *remote_tags, struct ovm_err *err);

/*
 * Records that applying t failed: err e, exit_code (4: something was
 * pushed, a partial release; 1: refused; else an error).
 */
void ovm_plan_track_refuse(struct ovm_plan_track *t, int exit_code,
    const struct ovm_err *e);

const char *ovm_result_name(enum ovm_result r);
const char *ovm_tag_state_name(enum ovm_tag_state s);

#endif
