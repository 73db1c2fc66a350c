#ifndef OVM_INPUTS_H
#define OVM_INPUTS_H

/*
 * The event a command works on (doc/decisions.md#the-event): GitHub Actions' environment and
 * payload, or the local prediction (upstream..HEAD, or on a feature branch
 * the merge into the first release branch), with the flags applied and
 * revisions resolved through git.c.
 */

#include "core/config.h"
#include "core/event.h"
#include "git/git.h"

struct ovm_inputs {
	struct ovm_event ev;
	int in_ci;		/* GITHUB_ACTIONS=true */
	int merge_prediction;	/* local, on a feature branch */
	char *head_branch;	/* local: HEAD's branch, NULL when detached */
	char *remote;		/* the remote name in use */
	char *remote_branch_ref;	/* refs/remotes/<remote>/<branch> */
};

struct ovm_input_flags {
	const char *event, *before, *after, *branch, *remote;
};

/* Allocates out (free with ovm_inputs_free). */
int ovm_inputs_resolve(struct ovm_inputs *out, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_input_flags *fl,
    struct ovm_err *err);
void ovm_inputs_free(struct ovm_inputs *in);

#endif
