#ifndef OVM_APPLY_CHECKOUT_H
#define OVM_APPLY_CHECKOUT_H

/* The checkout's side of applying a track (internal to apply/). */

#include "git/git.h"
#include "plan/plan.h"
#include "util/err.h"

/* Writes the version files, stages them and moves HEAD after -> commit. */
int ovm_checkout_advance(struct ovm_repo *repo, const struct ovm_plan *p,
    const struct ovm_plan_track *t, struct ovm_err *err);

/*
 * A rerun completing a release whose bump commit is already on the
 * remote (rule B1) moves the checkout as the killed run would have: only
 * when HEAD is still after, the bump commit's parent is after and each
 * version file is as at after.  0 moved or nothing to do, 1 not moved
 * (why in err), <0 error.
 */
int ovm_checkout_follow(struct ovm_repo *repo, const struct ovm_plan *p,
    const struct ovm_plan_track *t, struct ovm_err *err);

#endif
