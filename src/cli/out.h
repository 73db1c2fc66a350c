#ifndef OVM_CLI_OUT_H
#define OVM_CLI_OUT_H

/*
 * The plan's output forms (doc/decisions.md#outputs): the human and JSON printers (out.c),
 * $GITHUB_OUTPUT and the step summary (ghout.c), annotations.
 */

#include <stdio.h>

#include "plan/plan.h"

int ovm_plan_print_human(FILE *f, const struct ovm_plan *p, int color,
    int utf8);
int ovm_plan_print_json(FILE *f, const struct ovm_plan *p, int run);
int ovm_plan_write_github_output(FILE *f, const struct ovm_plan *p,
    int single_track, struct ovm_err *err);
int ovm_plan_write_step_summary(FILE *f, const struct ovm_plan *p);
void ovm_plan_print_annotations(FILE *f, const struct ovm_plan *p);

/*
 * The decision and reason as shown (--json, $GITHUB_OUTPUT, the step
 * summary): a track that failed on its input is refused, with reason
 * "error" when it has none of its own.  Static strings.  Defined in
 * out.c.
 */
const char *ovm_plan_decision_text(const struct ovm_plan_track *t);
const char *ovm_plan_reason_text(const struct ovm_plan_track *t);

#endif
