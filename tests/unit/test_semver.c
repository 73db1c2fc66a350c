#include "testutil.h"

#include "core/semver.h"

struct parse_row {
	const char *in;
	int ok;
	const char *pre, *build;	/* expected parts when ok */
};

static const struct parse_row parse_rows[] = {
	{ "0.0.0", 1, "", "" },
	{ "1.2.3", 1, "", "" },
	{ "10.20.30", 1, "", "" },
	{ "1.1.2-prerelease+meta", 1, "prerelease", "meta" },
	{ "1.0.0-alpha.beta.1", 1, "alpha.beta.1", "" },
	{ "1.0.0-0A.is.legal", 1, "0A.is.legal", "" },
	{ "1.0.0+0.build.1-rc.10000aaa-kk-0.1", 1, "", "0.build.1-rc.10000aaa-kk-0.1" },
	{ "1.0.0-rc.1+build.123", 1, "rc.1", "build.123" },
	{ "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", 1, "---RC-SNAPSHOT.12.9.1--.12", "788" },
	{ "1.0.0+001", 1, "", "001" },	/* leading zeros allowed in build */
	{ "18446744073709551615.0.0", 1, "", "" },
	{ "", 0, NULL, NULL },
	{ "1", 0, NULL, NULL },
	{ "1.2", 0, NULL, NULL },
	{ "1.2.3.4", 0, NULL, NULL },
	{ "01.2.3", 0, NULL, NULL },
	{ "1.02.3", 0, NULL, NULL },
	{ "1.2.03", 0, NULL, NULL },
	{ "v1.2.3", 0, NULL, NULL },
	{ "1.2.3-", 0, NULL, NULL },
	{ "1.2.3+", 0, NULL, NULL },
	{ "1.2.3-01", 0, NULL, NULL },	/* numeric pre-release, leading zero */
	{ "1.2.3-a..b", 0, NULL, NULL },
	{ "1.2.3-a_b", 0, NULL, NULL },
	{ "1.2.3+a..b", 0, NULL, NULL },
	{ " 1.2.3", 0, NULL, NULL },
	{ "1.2.3 ", 0, NULL, NULL },
	{ "-1.2.3", 0, NULL, NULL },
	{ "18446744073709551616.0.0", 0, NULL, NULL },	/* overflow */
	{ "1.2.3-rc.1+", 0, NULL, NULL },
	{ "latest", 0, NULL, NULL },
	{ "3.11-slim", 0, NULL, NULL },
};

static void
test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		struct ovm_semver v;
		struct ovm_err err = OVM_ERR_INIT;
		int rc = ovm_semver_parse(&v, r->in, strlen(r->in), &err);

		if (r->ok) {
			if (rc != 0)
				fail_msg("'%s' should parse: %s", r->in, err.msg);
			assert_string_equal(v.pre, r->pre);
			assert_string_equal(v.build, r->build);
		} else {
			if (rc != OVM_EINPUT)
				fail_msg("'%s' should be rejected", r->in);
			assert_non_null(strstr(err.msg, "not a SemVer"));
		}
	}
}

/* Each row lists versions in strictly increasing precedence. */
static const char *const order_rows[][9] = {
	{ "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
	  "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", NULL },
	{ "0.1.9", "0.1.10", "0.2.0", "0.10.0", "1.0.0", "2.0.0", "10.0.0", NULL },
	{ "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-a", "1.0.0-a.1", NULL },
	{ "1.0.0-A", "1.0.0-B", "1.0.0-a", NULL },	/* ASCII order */
	{ "1.0.0-9", "1.0.0-10", "1.0.0-11a", NULL },
};

static void
test_order(void **state)
{
	size_t r, i, j;

	(void)state;
	for (r = 0; r < sizeof(order_rows) / sizeof(order_rows[0]); r++) {
		for (i = 0; order_rows[r][i] != NULL; i++) {
			for (j = 0; order_rows[r][j] != NULL; j++) {
				struct ovm_semver a, b;
				int c, want = i < j ? -1 : i > j ? 1 : 0;

				assert_int_equal(ovm_semver_parse(&a, order_rows[r][i],
				    strlen(order_rows[r][i]), NULL), 0);
				assert_int_equal(ovm_semver_parse(&b, order_rows[r][j],
				    strlen(order_rows[r][j]), NULL), 0);
				c = ovm_semver_cmp(&a, &b);
				c = c < 0 ? -1 : c > 0 ? 1 : 0;
				if (c != want)
					fail_msg("cmp(%s, %s) = %d, want %d",
					    order_rows[r][i], order_rows[r][j], c, want);
			}
		}
	}
}

static void
test_build_ignored(void **state)
{
	struct ovm_semver a, b;

	(void)state;
	assert_int_equal(ovm_semver_parse(&a, "1.2.3+a", 7, NULL), 0);
	assert_int_equal(ovm_semver_parse(&b, "1.2.3+b.2", 9, NULL), 0);
	assert_int_equal(ovm_semver_cmp(&a, &b), 0);
}

struct bump_row {
	const char *in, *kind, *out;
};

static const struct bump_row bump_rows[] = {
	{ "0.1.3", "patch", "0.1.4" },
	{ "0.1.9", "patch", "0.1.10" },
	{ "1.2.3", "minor", "1.3.0" },
	{ "1.2.3", "major", "2.0.0" },
	{ "1.2.3-rc.1+b", "patch", "1.2.4" },
	{ "0.0.0", "minor", "0.1.0" },
};

static void
test_bump_format(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bump_rows) / sizeof(bump_rows[0]); i++) {
		struct ovm_semver v;
		char buf[64];
		int kind = ovm_bump_from_name(bump_rows[i].kind);

		assert_true(kind >= 0);
		assert_int_equal(ovm_semver_parse(&v, bump_rows[i].in,
		    strlen(bump_rows[i].in), NULL), 0);
		assert_int_equal(ovm_semver_bump(&v, (enum ovm_bump)kind, NULL), 0);
		assert_int_equal(ovm_semver_format(buf, sizeof(buf), &v), 0);
		assert_string_equal(buf, bump_rows[i].out);
	}
	assert_int_equal(ovm_bump_from_name("micro"), -1);
}

static void
test_bump_overflow_and_short_buffer(void **state)
{
	struct ovm_semver v;
	struct ovm_err err = OVM_ERR_INIT;
	char small[4];

	(void)state;
	assert_int_equal(ovm_semver_parse(&v, "1.2.18446744073709551615", 24,
	    NULL), 0);
	assert_int_equal(ovm_semver_bump(&v, OVM_BUMP_PATCH, &err), OVM_EINPUT);
	assert_int_equal(ovm_semver_parse(&v, "1.2.3-rc", 8, NULL), 0);
	assert_int_equal(ovm_semver_format(small, sizeof(small), &v), OVM_EINPUT);
}

static void
test_format_roundtrip(void **state)
{
	const char *in[] = { "1.2.3", "1.2.3-rc.1", "1.2.3+b.1", "0.0.1-x+y" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct ovm_semver v;
		char buf[64];

		assert_int_equal(ovm_semver_parse(&v, in[i], strlen(in[i]), NULL), 0);
		assert_int_equal(ovm_semver_format(buf, sizeof(buf), &v), 0);
		assert_string_equal(buf, in[i]);
	}
	assert_true(ovm_semver_is_release("1.2.3", 5));
	assert_true(ovm_semver_is_release("1.2.3+build", 11));
	assert_false(ovm_semver_is_release("1.2.3-rc.1", 10));
	assert_false(ovm_semver_is_release("1.2", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_build_ignored),
		cmocka_unit_test(test_bump_format),
		cmocka_unit_test(test_bump_overflow_and_short_buffer),
		cmocka_unit_test(test_format_roundtrip),
	};

	return cmocka_run_group_tests_name("semver", tests, NULL, NULL);
}
