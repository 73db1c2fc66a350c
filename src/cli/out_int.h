#ifndef OVM_PLAN_INT_H
#define OVM_PLAN_INT_H

/*
 * Internal to the plan printers: shared by plan_out.c and plan_ghout.c.
 */

#include "plan/plan.h"

/*
 * The decision and reason as shown (--json, $GITHUB_OUTPUT, the step
 * summary): a track that failed on its input is refused, with reason
 * "error" when it has none of its own.  Static strings.  Defined in
 * plan_out.c.
 */
const char *ovm_plan_decision_text(const struct ovm_plan_track *t);
const char *ovm_plan_reason_text(const struct ovm_plan_track *t);

#endif
