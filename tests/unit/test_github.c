#include "testutil.h"

#include "net/github.h"

/*
 * ovm_link_next: the rel="next" target of a Link header (RFC 8288) as the
 * GitHub REST API sends it for pagination (docs.github.com "Using
 * pagination in the REST API"): <URL>; rel="next", <URL>; rel="last" ...
 */

#define GH "https://api.github.com/repositories/1296269/releases"

struct row {
	const char *in;
	const char *next;	/* NULL: none */
};

static const struct row rows[] = {
	/* GitHub's first, middle and last pages */
	{ "<" GH "?per_page=2&page=2>; rel=\"next\", <" GH
	  "?per_page=2&page=3>; rel=\"last\"", GH "?per_page=2&page=2" },
	{ "<" GH "?per_page=2&page=1>; rel=\"prev\", <" GH
	  "?per_page=2&page=3>; rel=\"next\", <" GH
	  "?per_page=2&page=3>; rel=\"last\", <" GH
	  "?per_page=2&page=1>; rel=\"first\"", GH "?per_page=2&page=3" },
	{ "<" GH "?per_page=2&page=2>; rel=\"prev\", <" GH
	  "?per_page=2&page=1>; rel=\"first\"", NULL },
	/* the order of the links does not matter */
	{ "<https://a/x?page=9>; rel=\"last\", <https://a/x?page=2>; "
	  "rel=\"next\"", "https://a/x?page=2" },
	{ "<https://a/x?page=1>; rel=\"first\", <https://a/x?page=1>; "
	  "rel=\"prev\", <https://a/x?page=5>; rel=\"last\", "
	  "<https://a/x?page=3>; rel=\"next\"", "https://a/x?page=3" },
	/* the cursor form (after=...) of newer endpoints */
	{ "<https://api.github.com/orgs/o/audit-log?after=MTYw%3D%3D&"
	  "before=>; rel=\"next\"",
	  "https://api.github.com/orgs/o/audit-log?after=MTYw%3D%3D&before=" },
	/* unquoted rel, no space after ';', other parameters */
	{ "<https://a/x?page=2>; rel=next", "https://a/x?page=2" },
	{ "<https://a/x?page=2>;rel=\"next\"", "https://a/x?page=2" },
	{ "<https://a/x?page=2>; title=\"more\"; rel=\"next\"",
	  "https://a/x?page=2" },
	{ "<https://a/x?page=2>; rel=\"next\"; title=\"more\"",
	  "https://a/x?page=2" },
	/* commas inside the URL do not split links */
	{ "<https://a/x?q=a,b&page=1>; rel=\"prev\", <https://a/x?q=a,b&page=3>; "
	  "rel=\"next\"", "https://a/x?q=a,b&page=3" },
	/* a space-separated list of relation types (RFC 8288 3.3) */
	{ "<https://a/x?page=2>; rel=\"next last\"", "https://a/x?page=2" },
	/* not next: other relations, look-alikes */
	{ "<https://a/x?page=2>; rel=\"nextpage\"", NULL },
	{ "<https://a/x?page=2>; rel=\"prev\"", NULL },
	{ "<https://a/x?page=2>; rel=\"last\", <https://a/y>; rel=\"first\"",
	  NULL },
	/* the rel of one link is not another's */
	{ "<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; "
	  "rel=\"last\"", NULL },
	/* nothing, or not a Link header */
	{ "", NULL },
	{ "rel=\"next\"", NULL },
	{ "https://a/x?page=2; rel=\"next\"", NULL },
	{ "<https://a/x?page=2; rel=\"next\"", NULL },
	{ NULL, NULL },
};

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define SHOW(s) ((s) != NULL ? (s) : "(null)")

static void
test_link_next(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *next = ovm_link_next(rows[i].in);

		if (!same(next, rows[i].next)) {
			print_error("row %zu [%s]: got [%s], want [%s]\n", i,
			    SHOW(rows[i].in), SHOW(next), SHOW(rows[i].next));
			bad++;
		}
		free(next);
	}
	if (bad > 0)
		fail_msg("%d bad row(s)", bad);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
