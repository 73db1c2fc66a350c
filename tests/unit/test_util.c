#include "testutil.h"

#include "util/util.h"

/* ovm_parse_count: the numeric environment variables (OVM_RELEASE_TIMEOUT ...). */
struct count_row {
	const char *in;
	long min, max;
	int rc;
	long want;	/* when rc is 0 */
};

static const struct count_row count_rows[] = {
	{ "120", 1, 86400, 0, 120 },
	{ "1", 1, 86400, 0, 1 },
	{ "86400", 1, 86400, 0, 86400 },
	{ "007", 1, 86400, 0, 7 },
	{ "0", 0, 60000, 0, 0 },
	{ "0", 1, 86400, OVM_EINPUT, 0 },
	{ "86401", 1, 86400, OVM_EINPUT, 0 },
	{ "", 1, 86400, OVM_EINPUT, 0 },
	{ "-5", 1, 86400, OVM_EINPUT, 0 },
	{ "+5", 1, 86400, OVM_EINPUT, 0 },
	{ " 5", 1, 86400, OVM_EINPUT, 0 },
	{ "5 ", 1, 86400, OVM_EINPUT, 0 },
	{ "10s", 1, 86400, OVM_EINPUT, 0 },
	{ "0x10", 1, 86400, OVM_EINPUT, 0 },
	{ "1e3", 1, 86400, OVM_EINPUT, 0 },
	{ "abc", 1, 86400, OVM_EINPUT, 0 },
	{ "99999999999999999999999", 1, 86400, OVM_EINPUT, 0 },
	{ "9223372036854775807", 0, 9223372036854775807L, 0,
	    9223372036854775807L },
	{ "9223372036854775808", 0, 9223372036854775807L, 0,
	    9223372036854775807L },	/* saturates, never wraps */
};

static void
test_parse_count(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(count_rows) / sizeof(count_rows[0]); i++) {
		const struct count_row *r = &count_rows[i];
		long v = -42;
		int rc = ovm_parse_count(&v, r->in, r->min, r->max);

		if (rc != r->rc)
			fail_msg("'%s' [%ld, %ld]: rc %d, want %d", r->in, r->min,
			    r->max, rc, r->rc);
		if (rc == 0 && v != r->want)
			fail_msg("'%s': %ld, want %ld", r->in, v, r->want);
		if (rc != 0 && v != -42)
			fail_msg("'%s': *out written on error", r->in);
	}
	assert_int_equal(ovm_parse_count(NULL, NULL, 0, 1), OVM_EINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
