#ifndef OVM_APPLY_H
#define OVM_APPLY_H

/*
 * Applying the plan (doc/decisions.md#what-run-does): version files, the bump commit, the
 * branch push, then one tag per push, each after its target is confirmed
 * on the remote branch; races retried on the new tip.
 */

#include "apply/lock.h"
#include "core/config.h"
#include "git/git.h"
#include "plan/plan.h"

struct ovm_apply_opts {
	const struct ovm_config *cfg;
	struct ovm_remote_opts ro;
	struct ovm_sig sig;		/* bump commit author and committer */
	int no_push;
	int no_fetch;
	unsigned timeout;		/* seconds per network operation */
	const struct ovm_lock *lock;	/* removed by the watchdog */
	struct ovm_tagv *remote_tags;	/* the remote's tags (updated) */
	struct ovm_oid remote_tip;	/* the remote branch's tip, "" unknown */
	const struct ovm_plan_opts *po;	/* how the plan was built (races) */
	char *remote_name;
};

/*
 * Checks what must hold before anything is written: HEAD at after when a
 * track writes version files (else OVM_EINPUT), version files without
 * uncommitted changes (else that track is refused, exit 1), no symlink in
 * their place.  Returns <0 only for a run-wide stop.
 */
int ovm_apply_precheck(struct ovm_plan *p, struct ovm_repo *repo,
    struct ovm_err *err);

/* Applies every releasing track; results land in each track. */
int ovm_apply(struct ovm_plan *p, struct ovm_repo *repo,
    struct ovm_apply_opts *ao, struct ovm_err *err);

/* Writes a file atomically (temp + rename), keeping the mode; refuses a
 * symlink. */
int ovm_write_atomic(const char *path, const char *content, size_t len,
    struct ovm_err *err);

#endif
