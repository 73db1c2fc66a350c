#ifndef OVM_APPLY_RELEASE_H
#define OVM_APPLY_RELEASE_H

/*
 * The release operation of `run` and of the hook's tag mode, in two
 * steps with the caller between them: ovm_release_prepare takes the lock,
 * reads the event and the configuration of the commit released, builds
 * stage A on the checkout, then (for candidates) stage B from the
 * remote's refs, and checks images; the caller may print the plan, ask,
 * or check its own outputs; ovm_release_apply writes, commits, tags and
 * pushes.  Nothing here prints: what the caller shows is in the struct.
 */

#include "apply/apply.h"
#include "apply/lock.h"
#include "core/config.h"
#include "git/git.h"
#include "plan/inputs.h"
#include "plan/plan.h"
#include "util/err.h"

struct ovm_release_opts {
	const char *repo_dir;			/* --repo, NULL: "." */
	const char *config_file;		/* --config, NULL: the commit's */
	struct ovm_input_flags flags;		/* --event, --before, ... */
	const struct ovm_strv *only;		/* --track */
	int no_fetch, no_push;
	int hook;		/* tag mode of the hook: no CPU limit of run */
};

struct ovm_release {
	struct ovm_repo *repo;
	struct ovm_lock lock;		/* lock.reclaimed_from: say so */
	struct ovm_config wcfg;		/* the working tree's (the event) */
	struct ovm_config cfg;		/* the released commit's */
	struct ovm_inputs in;
	struct ovm_plan_opts po;
	struct ovm_plan plan;
	struct ovm_apply_opts ao;
	struct ovm_tagv remote_tags;
	char *watch;			/* the configuration path watched */
	char *hdr;			/* an extraheader credential */
	char *cred_src;			/* the credential's source, or NULL */
	int listed_remote;		/* stage B ran: cred_src was used */
};

#define OVM_BOT_NAME "github-actions[bot]"
#define OVM_BOT_EMAIL "41898282+github-actions[bot]@users.noreply.github.com"

/*
 * Everything up to the plan.  On error r holds what was done so far (the
 * lock, the credential source) for the caller to report; always free r
 * with ovm_release_free.
 */
int ovm_release_prepare(struct ovm_release *r,
    const struct ovm_release_opts *o, struct ovm_err *err);

/* Prechecks and applies the plan (doc/decisions.md#what-run-does); results land in r->plan. */
int ovm_release_apply(struct ovm_release *r, struct ovm_err *err);

/* Releases the lock and frees r. */
void ovm_release_free(struct ovm_release *r);

#endif
