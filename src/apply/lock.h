#ifndef OVM_LOCK_H
#define OVM_LOCK_H

/*
 * The run lock: "ovm-release.lock" in the repository's common git
 * directory (shared by linked worktrees), created exclusively and holding
 * the owner's pid.  A lock whose process is gone is reclaimed.
 */

#include <sys/types.h>

#include "util/err.h"

struct ovm_lock {
	char path[4096];
	int held;
	pid_t reclaimed_from;	/* >0: a stale lock of this pid was reclaimed */
};

/* OVM_EENV when a live process holds it. */
int ovm_lock_acquire(struct ovm_lock *l, const char *commondir,
    struct ovm_err *err);
void ovm_lock_release(struct ovm_lock *l);

/*
 * A watchdog for network operations that libgit2 1.5 cannot time out:
 * when it fires, the lock is removed, message is printed and the process
 * exits 3.  seconds 0 disarms.
 */
void ovm_watchdog(unsigned seconds, const struct ovm_lock *l,
    const char *message);

/*
 * A CPU-time limit for the whole command (RLIMIT_CPU): libgit2 1.5 spins
 * forever on some truncated objects (libgit2 #7342).  When it fires the
 * lock is removed, message is printed and the process exits exit_code (0
 * for the hook: it never fails a commit).  OVM_RELEASE_CPU_LIMIT (seconds)
 * overrides seconds.
 */
void ovm_cpu_limit(unsigned seconds, const struct ovm_lock *l,
    const char *message, int exit_code);

#endif
