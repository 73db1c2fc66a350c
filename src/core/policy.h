#ifndef OVM_POLICY_H
#define OVM_POLICY_H

/*
 * The decision table (doc/decisions.md#stage-a, #stage-b), as a pure function of facts.
 *
 * Facts cost different amounts to gather (a tree diff, a range walk, a tag
 * listing, the network), and the rules are ordered so that cheap checks come
 * first.  So the policy is lazy: ovm_policy_decide() walks the rules in
 * order and, when a rule needs a fact that is not yet known, returns
 * OVM_NEED_* instead of a decision.  The caller (plan.c) gathers that fact,
 * sets it with its OVM_FACT_* bit in known, and calls again.  A quiet push
 * thus asks for one thing only: the changed paths.
 */

#include "core/event.h"

enum ovm_decision {
	OVM_DEC_NONE = 0,	/* not decided yet (a fact is needed) */
	OVM_DEC_SKIP,
	OVM_DEC_RELEASE,
	OVM_DEC_REFUSE,
};

enum ovm_reason {
	OVM_R_NONE = 0,
	OVM_R_UNSUPPORTED_EVENT,
	OVM_R_BRANCH,
	OVM_R_GUARD_ENV,
	OVM_R_CI_SKIP,
	OVM_R_NO_UPSTREAM,
	OVM_R_DISPATCH,
	OVM_R_NEW_BRANCH,
	OVM_R_BEFORE_UNAVAILABLE,
	OVM_R_UNCHANGED,
	OVM_R_SKIP_TOKEN,
	OVM_R_BUMP_COMMIT,
	OVM_R_COMPLETE,
	OVM_R_WATCH_ONLY,
	OVM_R_VERSION_ONLY,
	OVM_R_CHANGED,
	OVM_R_CATCH_UP,
	OVM_R_ALREADY_RELEASED,
	OVM_R_VERSION_UNCHANGED,
	OVM_R_CONFLICT,
};

/* Facts gathered lazily; each has a bit in known. */
enum {
	OVM_FACT_CHANGED = 1 << 0,	/* trigger_changed, watch_changed */
	OVM_FACT_HEAD_BUMP = 1 << 1,	/* head_is_bump, head_bump_completes */
	OVM_FACT_RANGE_TOKEN = 1 << 2,	/* range_has_skip_token */
	OVM_FACT_VERSION_ONLY = 1 << 3,	/* version_only */
	OVM_FACT_CATCH_UP = 1 << 4,	/* unreleased_changes */
	OVM_FACT_RELEASED = 1 << 5,	/* released_before, released_complete */
	OVM_FACT_TAG_STATE = 1 << 6,	/* tag_on_ancestor, tag_conflict */
};

enum ovm_need {
	OVM_NEED_NOTHING = 0,
	OVM_NEED_CHANGED = OVM_FACT_CHANGED,
	OVM_NEED_HEAD_BUMP = OVM_FACT_HEAD_BUMP,
	OVM_NEED_RANGE_TOKEN = OVM_FACT_RANGE_TOKEN,
	OVM_NEED_VERSION_ONLY = OVM_FACT_VERSION_ONLY,
	OVM_NEED_CATCH_UP = OVM_FACT_CATCH_UP,
	OVM_NEED_RELEASED = OVM_FACT_RELEASED,
	OVM_NEED_TAG_STATE = OVM_FACT_TAG_STATE,
};

struct ovm_facts {
	/* The event (always known). */
	enum ovm_event_kind kind;
	int ref_is_branch;		/* the ref is refs/heads/... */
	int deleted;			/* the push deleted the branch */
	int release_branch;		/* the branch is in config branches */
	int in_ci;			/* GitHub Actions (A3, A4 apply only outside) */
	int guard_env;			/* OVM_RELEASE_ACTIVE is set */
	int head_ci_skip;		/* head message has a GitHub skip marker */
	int no_upstream;		/* local: the branch has no upstream */
	int before_zero;		/* before is all zeros */
	int before_missing;		/* before is not in the repository */
	/* The track (always known). */
	int has_skip_token;
	int has_commit_template;
	int is_dockerfile;
	int catch_up;			/* config catch_up */
	int head_has_skip_token;	/* A9: in the head message */
	int check_unreleased;		/* look for unreleased changes (not the hook) */

	unsigned known;			/* OVM_FACT_* bits */
	int trigger_changed;		/* A8, A12 */
	int watch_changed;
	int head_is_bump;		/* A10: head's first line matches the template */
	int head_bump_completes;	/* A10: verifiably our own, V untagged remotely */
	int range_has_skip_token;	/* A11 */
	int version_only;		/* A13 */
	int unreleased_changes;		/* trigger changes since the latest tag */
	int released_before;		/* B1: this event was released (in part) */
	int released_complete;		/* B1: all of W's tags are present */
	int tag_on_ancestor;		/* B2: the version's tag is on an ancestor */
	int tag_conflict;		/* B3: a tag of the version is outside history */
};

struct ovm_verdict {
	enum ovm_decision decision;
	enum ovm_reason reason;
	enum ovm_need need;		/* when decision is OVM_DEC_NONE */
	int candidate;			/* stage A said candidate */
	int compute_version;		/* the version is shown (also watch-only) */
	int warn_unreleased;		/* warn: trigger changes left unreleased */
};

/*
 * Decides one track from f.  Returns the verdict; when a fact is missing,
 * decision is OVM_DEC_NONE and need names it.
 */
struct ovm_verdict ovm_policy_decide(const struct ovm_facts *f);

/* The reason's wire name ("unsupported-event", "changed", ...). */
const char *ovm_reason_name(enum ovm_reason r);
/* The reason in words, for people. */
const char *ovm_reason_words(enum ovm_reason r);
const char *ovm_decision_name(enum ovm_decision d);

/* doc/decisions.md#version-from-tags: the version of a from_tags track. */
struct ovm_version_in {
	const char *previous;	/* highest release tag version, NULL: none */
	const char *package;	/* the version file's version, NULL: none */
	const char *initial;	/* config initial ("0.1.0") */
	int bump;		/* enum ovm_bump */
};

struct ovm_version_out {
	char version[256];
	int honoured;		/* package.json's own version is used */
	int drift;		/* package vs previous: -1 behind, 1 ahead, 0 */
};

/*
 * package.json's own version when it is a release above previous (a
 * person bumped it on purpose); otherwise previous bumped, or initial
 * when there is none.  Never lower than package.json's version: a
 * pre-release above the result yields its release.  OVM_EINPUT on a
 * malformed previous/initial.
 */
int ovm_policy_version(struct ovm_version_out *out,
    const struct ovm_version_in *in, struct ovm_err *err);

#endif
