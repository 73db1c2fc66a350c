/*
 * doc/decisions.md#stage-a (does this event ask for a release?) and #stage-b
 * (is there anything left to release?), rule for rule, in order.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "core/policy.h"
#include "core/semver.h"

static struct ovm_verdict
verdict(enum ovm_decision d, enum ovm_reason r)
{
	struct ovm_verdict v = { d, r, OVM_NEED_NOTHING, 0, 0, 0 };

	return v;
}

static struct ovm_verdict
need(enum ovm_need n)
{
	struct ovm_verdict v = { OVM_DEC_NONE, OVM_R_NONE, n, 0, 0, 0 };

	return v;
}

#define KNOWN(f, bit) (((f)->known & (bit)) != 0)

/*
 * A track that is not a candidate may still have trigger changes that no
 * release took (a concurrency group dropped the run): warn, or with
 * catch_up make it a candidate.
 */
static struct ovm_verdict
maybe_catch_up(const struct ovm_facts *f, struct ovm_verdict v, int *candidate)
{
	*candidate = 0;
	if (!f->check_unreleased && !f->catch_up)
		return v;
	if (!KNOWN(f, OVM_FACT_CATCH_UP))
		return need(OVM_NEED_CATCH_UP);
	if (!f->unreleased_changes)
		return v;
	if (f->catch_up) {
		*candidate = 1;
		v.reason = OVM_R_CATCH_UP;
		return v;
	}
	v.warn_unreleased = 1;
	return v;
}

/* Stage A: 0 = decided in *out, 1 = candidate with *reason. */
static int
stage_a(const struct ovm_facts *f, struct ovm_verdict *out,
    enum ovm_reason *reason)
{
	struct ovm_verdict v;
	int cand;

	/* A1 */
	if ((f->kind != OVM_EV_PUSH && f->kind != OVM_EV_DISPATCH &&
	    f->kind != OVM_EV_LOCAL) || !f->ref_is_branch || f->deleted) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_UNSUPPORTED_EVENT);
		return 0;
	}
	/* A2, A2' */
	if (!f->release_branch) {
		*out = verdict(f->kind == OVM_EV_DISPATCH ? OVM_DEC_REFUSE :
		    OVM_DEC_SKIP, OVM_R_BRANCH);
		return 0;
	}
	/* A3, A4: outside CI only. */
	if (!f->in_ci && f->guard_env) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_GUARD_ENV);
		return 0;
	}
	if (!f->in_ci && f->head_ci_skip) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_CI_SKIP);
		return 0;
	}
	if (f->kind == OVM_EV_LOCAL && f->no_upstream) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_NO_UPSTREAM);
		return 0;
	}
	/* A5 */
	if (f->kind == OVM_EV_DISPATCH) {
		*reason = OVM_R_DISPATCH;
		return 1;
	}
	/* A6 */
	if (f->before_zero) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_NEW_BRANCH);
		return 0;
	}
	/* A7: the caller fetches first; still missing is an error (exit 3). */
	if (f->before_missing) {
		*out = verdict(OVM_DEC_REFUSE, OVM_R_BEFORE_UNAVAILABLE);
		return 0;
	}
	/* A8 */
	if (!KNOWN(f, OVM_FACT_CHANGED)) {
		*out = need(OVM_NEED_CHANGED);
		return 0;
	}
	if (!f->trigger_changed && !f->watch_changed) {
		v = maybe_catch_up(f, verdict(OVM_DEC_SKIP, OVM_R_UNCHANGED), &cand);
		if (cand) {
			*reason = OVM_R_CATCH_UP;
			return 1;
		}
		*out = v;
		return 0;
	}
	/* A9 */
	if (f->has_skip_token && f->head_has_skip_token) {
		v = maybe_catch_up(f, verdict(OVM_DEC_SKIP, OVM_R_SKIP_TOKEN),
		    &cand);
		if (cand) {
			*reason = OVM_R_CATCH_UP;
			return 1;
		}
		*out = v;
		return 0;
	}
	/* A10 */
	if (f->has_commit_template) {
		if (!KNOWN(f, OVM_FACT_HEAD_BUMP)) {
			*out = need(OVM_NEED_HEAD_BUMP);
			return 0;
		}
		if (f->head_is_bump) {
			*out = f->head_bump_completes ?
			    verdict(OVM_DEC_RELEASE, OVM_R_COMPLETE) :
			    verdict(OVM_DEC_SKIP, OVM_R_BUMP_COMMIT);
			return 0;
		}
	}
	/* A11 */
	if (f->has_skip_token) {
		if (!KNOWN(f, OVM_FACT_RANGE_TOKEN)) {
			*out = need(OVM_NEED_RANGE_TOKEN);
			return 0;
		}
		if (f->range_has_skip_token) {
			v = maybe_catch_up(f, verdict(OVM_DEC_SKIP,
			    OVM_R_SKIP_TOKEN), &cand);
			if (cand) {
				*reason = OVM_R_CATCH_UP;
				return 1;
			}
			*out = v;
			return 0;
		}
	}
	/* A12 */
	if (!f->trigger_changed) {
		v = maybe_catch_up(f, verdict(OVM_DEC_SKIP, OVM_R_WATCH_ONLY),
		    &cand);
		if (cand) {
			*reason = OVM_R_CATCH_UP;
			return 1;
		}
		v.compute_version = v.decision != OVM_DEC_NONE;
		*out = v;
		return 0;
	}
	/* A13 */
	if (!KNOWN(f, OVM_FACT_VERSION_ONLY)) {
		*out = need(OVM_NEED_VERSION_ONLY);
		return 0;
	}
	if (f->version_only) {
		*out = verdict(OVM_DEC_SKIP, OVM_R_VERSION_ONLY);
		out->compute_version = 1;
		return 0;
	}
	/* A14 */
	*reason = OVM_R_CHANGED;
	return 1;
}

struct ovm_verdict
ovm_policy_decide(const struct ovm_facts *f)
{
	struct ovm_verdict v = verdict(OVM_DEC_NONE, OVM_R_NONE);
	enum ovm_reason reason = OVM_R_NONE;

	if (stage_a(f, &v, &reason) == 0)
		return v;

	/* Stage B, candidates only: the version is computed from here on. */
	if (!KNOWN(f, OVM_FACT_RELEASED)) {
		v = need(OVM_NEED_RELEASED);
		v.candidate = 1;
		return v;
	}
	if (f->released_before) {
		v = verdict(f->released_complete ? OVM_DEC_SKIP : OVM_DEC_RELEASE,
		    f->released_complete ? OVM_R_ALREADY_RELEASED :
		    OVM_R_COMPLETE);
	} else if (!KNOWN(f, OVM_FACT_TAG_STATE)) {
		v = need(OVM_NEED_TAG_STATE);
	} else if (f->is_dockerfile && f->tag_on_ancestor) {
		v = verdict(OVM_DEC_SKIP, OVM_R_VERSION_UNCHANGED);
	} else if (f->tag_conflict) {
		v = verdict(OVM_DEC_REFUSE, OVM_R_CONFLICT);
	} else {
		v = verdict(OVM_DEC_RELEASE, reason);
	}
	v.candidate = 1;
	v.compute_version = 1;
	return v;
}

static const struct {
	const char *name, *words;
} reasons[] = {
	[OVM_R_NONE] = { "", "" },
	[OVM_R_UNSUPPORTED_EVENT] = { "unsupported-event",
	    "not a push to a branch, a dispatch or a local prediction" },
	[OVM_R_BRANCH] = { "branch", "not a release branch" },
	[OVM_R_GUARD_ENV] = { "guard-env",
	    "OVM_RELEASE_ACTIVE is set (ovm-release is already running)" },
	[OVM_R_CI_SKIP] = { "ci-skip",
	    "the head commit asks GitHub to skip CI" },
	[OVM_R_NO_UPSTREAM] = { "no-upstream",
	    "the branch has no upstream to push to" },
	[OVM_R_DISPATCH] = { "dispatch", "released on request (workflow_dispatch)" },
	[OVM_R_NEW_BRANCH] = { "new-branch", "a new branch: nothing to compare" },
	[OVM_R_BEFORE_UNAVAILABLE] = { "before-unavailable",
	    "the pushed range's start is not available" },
	[OVM_R_UNCHANGED] = { "unchanged", "no file this track cares about changed" },
	[OVM_R_SKIP_TOKEN] = { "skip-token", "a commit carries the skip token" },
	[OVM_R_BUMP_COMMIT] = { "bump-commit", "the head is a release bump commit" },
	[OVM_R_COMPLETE] = { "complete", "finishing a release whose tags are missing" },
	[OVM_R_WATCH_ONLY] = { "watch-only",
	    "only a watched file changed, no trigger file" },
	[OVM_R_VERSION_ONLY] = { "version-only",
	    "only the version value changed, to a released version" },
	[OVM_R_CHANGED] = { "changed", "a trigger file changed" },
	[OVM_R_CATCH_UP] = { "catch-up",
	    "trigger files changed since the latest release (catch_up)" },
	[OVM_R_ALREADY_RELEASED] = { "already-released",
	    "this event was already released" },
	[OVM_R_VERSION_UNCHANGED] = { "version-unchanged",
	    "the version is already released on an earlier commit" },
	[OVM_R_CONFLICT] = { "conflict",
	    "a tag of this version exists outside the pushed history" },
};

const char *
ovm_reason_name(enum ovm_reason r)
{
	if ((unsigned)r >= sizeof(reasons) / sizeof(reasons[0]))
		return "";
	return reasons[r].name;
}

const char *
ovm_reason_words(enum ovm_reason r)
{
	if ((unsigned)r >= sizeof(reasons) / sizeof(reasons[0]))
		return "";
	return reasons[r].words;
}

const char *
ovm_decision_name(enum ovm_decision d)
{
	switch (d) {
	case OVM_DEC_SKIP:
		return "skip";
	case OVM_DEC_RELEASE:
		return "release";
	case OVM_DEC_REFUSE:
		return "refuse";
	default:
		return "";
	}
}

int
ovm_policy_version(struct ovm_version_out *out, const struct ovm_version_in *in,
    struct ovm_err *err)
{
	struct ovm_semver prev, pkg, next;
	int have_prev = 0, have_pkg = 0, rc;

	memset(out, 0, sizeof(*out));
	if (in->previous != NULL && in->previous[0] != '\0') {
		rc = ovm_semver_parse(&prev, in->previous, strlen(in->previous),
		    err);
		if (rc < 0)
			return rc;
		have_prev = 1;
	}
	if (in->package != NULL &&
	    ovm_semver_parse(&pkg, in->package, strlen(in->package), NULL) == 0)
		have_pkg = 1;
	if (have_pkg && have_prev) {
		int c = ovm_semver_cmp(&pkg, &prev);

		out->drift = c < 0 ? -1 : c > 0 ? 1 : 0;
	}
	if (have_pkg && pkg.pre[0] == '\0' &&
	    (!have_prev || ovm_semver_cmp(&pkg, &prev) > 0)) {
		next = pkg;
		next.build[0] = '\0';
		out->honoured = 1;
	} else if (have_prev) {
		next = prev;
		rc = ovm_semver_bump(&next, (enum ovm_bump)in->bump, err);
		if (rc < 0)
			return rc;
	} else {
		rc = ovm_semver_parse(&next, in->initial, strlen(in->initial),
		    err);
		if (rc < 0)
			return rc;
	}
	/* Never write a version below package.json's (a pre-release above). */
	if (have_pkg && !out->honoured && ovm_semver_cmp(&pkg, &next) > 0) {
		next = pkg;
		next.pre[0] = '\0';
		next.build[0] = '\0';
	}
	if (ovm_semver_format(out->version, sizeof(out->version), &next) < 0)
		return ovm_err_set(err, OVM_EINPUT, "version too long");
	return 0;
}
