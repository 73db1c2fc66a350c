#include "testutil.h"

#include "core/policy.h"
#include "core/semver.h"

/* Rows start from a base (PUSH) and override fields: deliberate. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define ALL_KNOWN 0xffffu

/* A plain push to main on a from_tags track with a token and a template. */
#define PUSH .kind = OVM_EV_PUSH, .ref_is_branch = 1, .release_branch = 1, \
	.in_ci = 1, .has_skip_token = 1, .has_commit_template = 1, \
	.known = ALL_KNOWN

struct row {
	const char *what;	/* the rule or subtlety the row pins */
	struct ovm_facts f;
	enum ovm_decision decision;
	enum ovm_reason reason;
	int warn_unreleased;
};

static const struct row rows[] = {
	{ "A1 schedule event", { .kind = OVM_EV_OTHER, .ref_is_branch = 1,
	    .release_branch = 1, .known = ALL_KNOWN }, OVM_DEC_SKIP,
	    OVM_R_UNSUPPORTED_EVENT, 0 },
	{ "A1 tag push", { PUSH, .ref_is_branch = 0 }, OVM_DEC_SKIP,
	    OVM_R_UNSUPPORTED_EVENT, 0 },
	{ "A1 branch deleted", { PUSH, .deleted = 1 }, OVM_DEC_SKIP,
	    OVM_R_UNSUPPORTED_EVENT, 0 },
	{ "A2 push to feature branch", { PUSH, .release_branch = 0,
	    .trigger_changed = 1 }, OVM_DEC_SKIP, OVM_R_BRANCH, 0 },
	{ "A2' dispatch on a non-release branch refuses", { PUSH,
	    .kind = OVM_EV_DISPATCH, .release_branch = 0 }, OVM_DEC_REFUSE,
	    OVM_R_BRANCH, 0 },
	{ "A3 guard env locally", { PUSH, .kind = OVM_EV_LOCAL, .in_ci = 0,
	    .guard_env = 1, .trigger_changed = 1 }, OVM_DEC_SKIP,
	    OVM_R_GUARD_ENV, 0 },
	{ "A3 guard env ignored in CI", { PUSH, .guard_env = 1,
	    .trigger_changed = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "A4 [skip ci] locally", { PUSH, .kind = OVM_EV_LOCAL, .in_ci = 0,
	    .head_ci_skip = 1, .trigger_changed = 1 }, OVM_DEC_SKIP,
	    OVM_R_CI_SKIP, 0 },
	{ "A4 does not apply in CI", { PUSH, .head_ci_skip = 1,
	    .trigger_changed = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "local without upstream", { PUSH, .kind = OVM_EV_LOCAL, .in_ci = 0,
	    .no_upstream = 1, .trigger_changed = 1 }, OVM_DEC_SKIP,
	    OVM_R_NO_UPSTREAM, 0 },
	{ "A5 dispatch", { PUSH, .kind = OVM_EV_DISPATCH }, OVM_DEC_RELEASE,
	    OVM_R_DISPATCH, 0 },
	{ "A5 before A9: skip token in a dispatch's head, dispatch wins",
	    { PUSH, .kind = OVM_EV_DISPATCH, .head_has_skip_token = 1,
	    .range_has_skip_token = 1 }, OVM_DEC_RELEASE, OVM_R_DISPATCH, 0 },
	{ "A5 before A6: dispatch with zero before", { PUSH,
	    .kind = OVM_EV_DISPATCH, .before_zero = 1 }, OVM_DEC_RELEASE,
	    OVM_R_DISPATCH, 0 },
	{ "A6 new branch", { PUSH, .before_zero = 1, .trigger_changed = 1 },
	    OVM_DEC_SKIP, OVM_R_NEW_BRANCH, 0 },
	{ "A7 before missing", { PUSH, .before_missing = 1,
	    .trigger_changed = 1 }, OVM_DEC_REFUSE, OVM_R_BEFORE_UNAVAILABLE, 0 },
	{ "A8 quiet push", { PUSH }, OVM_DEC_SKIP, OVM_R_UNCHANGED, 0 },
	{ "A8 quiet push with unreleased changes warns", { PUSH,
	    .check_unreleased = 1, .unreleased_changes = 1 }, OVM_DEC_SKIP,
	    OVM_R_UNCHANGED, 1 },
	{ "A8 quiet push, catch_up makes it a candidate", { PUSH,
	    .catch_up = 1, .unreleased_changes = 1 }, OVM_DEC_RELEASE,
	    OVM_R_CATCH_UP, 0 },
	{ "A9 skip token in head", { PUSH, .trigger_changed = 1,
	    .head_has_skip_token = 1 }, OVM_DEC_SKIP, OVM_R_SKIP_TOKEN, 0 },
	{ "A9 needs a token: a track without one ignores the message",
	    { PUSH, .has_skip_token = 0, .trigger_changed = 1,
	    .head_has_skip_token = 1, .range_has_skip_token = 1 },
	    OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "A10 head is a bump commit", { PUSH, .trigger_changed = 1,
	    .head_is_bump = 1 }, OVM_DEC_SKIP, OVM_R_BUMP_COMMIT, 0 },
	{ "A10 own bump commit without tags completes", { PUSH,
	    .trigger_changed = 1, .head_is_bump = 1, .head_bump_completes = 1 },
	    OVM_DEC_RELEASE, OVM_R_COMPLETE, 0 },
	{ "A10 only with a commit template", { PUSH, .has_commit_template = 0,
	    .trigger_changed = 1, .head_is_bump = 1 }, OVM_DEC_RELEASE,
	    OVM_R_CHANGED, 0 },
	{ "A11 skip token in the range (merge second parent)", { PUSH,
	    .trigger_changed = 1, .range_has_skip_token = 1 }, OVM_DEC_SKIP,
	    OVM_R_SKIP_TOKEN, 0 },
	{ "A12 watched file plus an unrelated file: watch-only", { PUSH,
	    .watch_changed = 1 }, OVM_DEC_SKIP, OVM_R_WATCH_ONLY, 0 },
	{ "A12 before A13", { PUSH, .watch_changed = 1, .version_only = 1 },
	    OVM_DEC_SKIP, OVM_R_WATCH_ONLY, 0 },
	{ "A13 reverted bump: version-only", { PUSH, .trigger_changed = 1,
	    .version_only = 1 }, OVM_DEC_SKIP, OVM_R_VERSION_ONLY, 0 },
	{ "A14 a rename away from package.json is a change", { PUSH,
	    .trigger_changed = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "A14 trigger and watch", { PUSH, .trigger_changed = 1,
	    .watch_changed = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "B1 rerun of a released event", { PUSH, .trigger_changed = 1,
	    .released_before = 1, .released_complete = 1 }, OVM_DEC_SKIP,
	    OVM_R_ALREADY_RELEASED, 0 },
	{ "B1 second dispatch", { PUSH, .kind = OVM_EV_DISPATCH,
	    .released_before = 1, .released_complete = 1 }, OVM_DEC_SKIP,
	    OVM_R_ALREADY_RELEASED, 0 },
	{ "B1 partial release completes", { PUSH, .trigger_changed = 1,
	    .released_before = 1 }, OVM_DEC_RELEASE, OVM_R_COMPLETE, 0 },
	{ "B1 before B3", { PUSH, .trigger_changed = 1, .released_before = 1,
	    .released_complete = 1, .tag_conflict = 1 }, OVM_DEC_SKIP,
	    OVM_R_ALREADY_RELEASED, 0 },
	{ "B2 Dockerfile edit keeping its tag", { PUSH, .is_dockerfile = 1,
	    .has_skip_token = 0, .has_commit_template = 0, .trigger_changed = 1,
	    .tag_on_ancestor = 1 }, OVM_DEC_SKIP, OVM_R_VERSION_UNCHANGED, 0 },
	{ "B2 only for a Dockerfile track", { PUSH, .trigger_changed = 1,
	    .tag_on_ancestor = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
	{ "B3 tag outside history", { PUSH, .trigger_changed = 1,
	    .tag_conflict = 1 }, OVM_DEC_REFUSE, OVM_R_CONFLICT, 0 },
	{ "B3 Dockerfile", { PUSH, .is_dockerfile = 1, .trigger_changed = 1,
	    .tag_conflict = 1 }, OVM_DEC_REFUSE, OVM_R_CONFLICT, 0 },
	{ "B4 dispatch releases", { PUSH, .kind = OVM_EV_DISPATCH,
	    .is_dockerfile = 1 }, OVM_DEC_RELEASE, OVM_R_DISPATCH, 0 },
	{ "local prediction of a change", { PUSH, .kind = OVM_EV_LOCAL,
	    .in_ci = 0, .trigger_changed = 1 }, OVM_DEC_RELEASE, OVM_R_CHANGED, 0 },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ovm_verdict v = ovm_policy_decide(&rows[i].f);

		if (v.decision != rows[i].decision || v.reason != rows[i].reason)
			fail_msg("%s: got %s/%s, want %s/%s", rows[i].what,
			    ovm_decision_name(v.decision), ovm_reason_name(v.reason),
			    ovm_decision_name(rows[i].decision),
			    ovm_reason_name(rows[i].reason));
		if (v.warn_unreleased != rows[i].warn_unreleased)
			fail_msg("%s: warn_unreleased %d", rows[i].what,
			    v.warn_unreleased);
	}
}

/* Drives the lazy policy like plan.c does; records what it asked for. */
static struct ovm_verdict
drive(struct ovm_facts f, const struct ovm_facts *truth, unsigned *asked)
{
	struct ovm_verdict v;
	int guard = 0;

	*asked = 0;
	f.known = 0;
	for (;;) {
		v = ovm_policy_decide(&f);
		if (v.decision != OVM_DEC_NONE)
			return v;
		assert_true(v.need != OVM_NEED_NOTHING);
		assert_false(*asked & (unsigned)v.need);	/* asked twice */
		*asked |= (unsigned)v.need;
		f.known |= (unsigned)v.need;
		switch (v.need) {
		case OVM_NEED_CHANGED:
			f.trigger_changed = truth->trigger_changed;
			f.watch_changed = truth->watch_changed;
			break;
		case OVM_NEED_HEAD_BUMP:
			f.head_is_bump = truth->head_is_bump;
			f.head_bump_completes = truth->head_bump_completes;
			break;
		case OVM_NEED_RANGE_TOKEN:
			f.range_has_skip_token = truth->range_has_skip_token;
			break;
		case OVM_NEED_VERSION_ONLY:
			f.version_only = truth->version_only;
			break;
		case OVM_NEED_CATCH_UP:
			f.unreleased_changes = truth->unreleased_changes;
			break;
		case OVM_NEED_RELEASED:
			f.released_before = truth->released_before;
			f.released_complete = truth->released_complete;
			break;
		case OVM_NEED_TAG_STATE:
			f.tag_on_ancestor = truth->tag_on_ancestor;
			f.tag_conflict = truth->tag_conflict;
			break;
		default:
			fail_msg("unknown need %d", v.need);
		}
		assert_true(++guard < 16);
	}
}

static void
test_lazy_matches_eager(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned asked;
		struct ovm_verdict v = drive(rows[i].f, &rows[i].f, &asked);

		if (v.decision != rows[i].decision || v.reason != rows[i].reason)
			fail_msg("lazy %s: got %s/%s", rows[i].what,
			    ovm_decision_name(v.decision), ovm_reason_name(v.reason));
	}
}

/* A quiet push asks for the changed paths and nothing else (doc/decisions.md#stage-a, A8). */
static void
test_quiet_push_asks_only_changed(void **state)
{
	struct ovm_facts f = { PUSH };
	unsigned asked;
	struct ovm_verdict v;

	(void)state;
	v = drive(f, &f, &asked);
	assert_int_equal(v.reason, OVM_R_UNCHANGED);
	assert_int_equal(asked, OVM_NEED_CHANGED);
	/* A new branch asks for nothing at all. */
	f.before_zero = 1;
	v = drive(f, &f, &asked);
	assert_int_equal(v.reason, OVM_R_NEW_BRANCH);
	assert_int_equal(asked, 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ovm_reason_name(OVM_R_UNSUPPORTED_EVENT), "unsupported-event");
	assert_string_equal(ovm_reason_name(OVM_R_VERSION_ONLY), "version-only");
	assert_string_equal(ovm_reason_name(OVM_R_ALREADY_RELEASED), "already-released");
	assert_string_equal(ovm_reason_name(OVM_R_BEFORE_UNAVAILABLE), "before-unavailable");
	assert_string_equal(ovm_decision_name(OVM_DEC_REFUSE), "refuse");
	assert_true(strlen(ovm_reason_words(OVM_R_CHANGED)) > 0);
}

struct vrow {
	const char *previous, *package, *want;
	int honoured, drift;
};

static const struct vrow vrows[] = {
	{ "0.1.3", "0.1.3", "0.1.4", 0, 0 },		/* the usual bump */
	{ NULL, NULL, "0.1.0", 0, 0 },			/* no tags, no version */
	{ NULL, "0.1.3", "0.1.3", 1, 0 },		/* no tags: package.json's */
	{ "0.1.3", "0.2.0", "0.2.0", 1, 1 },		/* bumped by hand: honoured */
	{ "0.1.3", "0.1.1", "0.1.4", 0, -1 },		/* behind: drift warned */
	{ "0.1.9", "0.1.9", "0.1.10", 0, 0 },
	{ "0.1.3", "0.2.0-rc.1", "0.2.0", 0, 1 },	/* never lower than package.json */
	{ "0.1.3", "0.1.4-rc.1", "0.1.4", 0, 1 },
	{ "0.1.3", "not-a-version", "0.1.4", 0, 0 },
	{ "0.1.3", "0.2.0+build.5", "0.2.0", 1, 1 },
};

static void
test_version(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vrows) / sizeof(vrows[0]); i++) {
		struct ovm_version_in in = { vrows[i].previous, vrows[i].package,
		    "0.1.0", OVM_BUMP_PATCH };
		struct ovm_version_out out;
		struct ovm_err err = OVM_ERR_INIT;

		assert_int_equal(ovm_policy_version(&out, &in, &err), 0);
		if (strcmp(out.version, vrows[i].want) != 0 ||
		    out.honoured != vrows[i].honoured ||
		    out.drift != vrows[i].drift)
			fail_msg("row %zu: %s honoured=%d drift=%d", i, out.version,
			    out.honoured, out.drift);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_lazy_matches_eager),
		cmocka_unit_test(test_quiet_push_asks_only_changed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
