#include "testutil.h"

#include "net/http.h"

/*
 * ovm_http_retry_after_ms: the wait before a retry on 429/5xx.  libcurl is
 * not loaded here, so an HTTP date falls back like an unreadable value.
 */
struct wait_row {
	const char *value;
	long fallback;
	long want;
};

static const struct wait_row wait_rows[] = {
	{ NULL, 500, 500 },
	{ "0", 500, 0 },
	{ "1", 500, 1000 },
	{ "60", 500, 60000 },
	{ "61", 500, 60000 },
	{ "120", 10, 60000 },
	{ "9223372036854776", 10, 60000 },	/* x 1000 overflows a long */
	{ "99999999999999999999", 10, 60000 },	/* beyond strtol */
	{ "3 ", 10, 3000 },
	{ "-5", 10, 10 },			/* not a delay: the fallback */
	{ "soon", 250, 250 },
	{ "Wed, 21 Oct 2015 07:28:00 GMT", 250, 250 },
	{ "", 250, 250 },
	{ NULL, -3, 0 },			/* never negative */
	{ NULL, 999999, 60000 },		/* never above the cap */
};

static void
test_retry_after(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wait_rows) / sizeof(wait_rows[0]); i++) {
		const struct wait_row *r = &wait_rows[i];
		long got = ovm_http_retry_after_ms(r->value, r->fallback);

		if (got != r->want)
			fail_msg("Retry-After '%s' (fallback %ld): %ld ms, want %ld",
			    r->value != NULL ? r->value : "(none)", r->fallback,
			    got, r->want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
