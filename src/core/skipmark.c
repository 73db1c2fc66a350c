/*
 * GitHub's skip markers in a commit message (doc/decisions.md#stage-a, A4; "Skipping workflow
 * runs"): a bracketed marker anywhere, or a skip-checks trailer.
 */
#include <string.h>

#include "core/skipmark.h"

static const char *const skip_markers[] = {
	"[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]",
};

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
ci_prefix(const char *s, size_t n, const char *pre)
{
	size_t i, m = strlen(pre);

	if (n < m)
		return 0;
	for (i = 0; i < m; i++)
		if (ascii_lower((unsigned char)s[i]) != pre[i])
			return 0;
	return 1;
}

static int
is_blank(const char *l, size_t n)
{
	return strspn(l, " \t\r") >= n;
}

/* "skip-checks:true" or "skip-checks: true", trailing white space allowed. */
static int
is_skip_checks(const char *l, size_t n)
{
	while (n > 0 && strchr(" \t\r", l[n - 1]) != NULL)
		n--;
	if (!ci_prefix(l, n, "skip-checks:"))
		return 0;
	l += 12;
	n -= 12;
	if (n > 0 && *l == ' ') {
		l++;
		n--;
	}
	return n == 4 && ci_prefix(l, n, "true");
}

/* A git trailer line ("Token: value") or its indented continuation. */
static int
is_trailer_line(const char *l, size_t n)
{
	size_t i = 0;

	if (n > 0 && (l[0] == ' ' || l[0] == '\t'))
		return 1;
	while (i < n && ((l[i] >= 'a' && l[i] <= 'z') ||
	    (l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9') ||
	    l[i] == '-'))
		i++;
	if (i == 0)
		return 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i < n && l[i] == ':';
}

/*
 * The line that ends at *end (exclusive); *end moves before it.  Returns 0
 * when there is no line left (*end < 0).
 */
static int
prev_line(const char *s, long *end, const char **line, size_t *n)
{
	long start;

	if (*end < 0)
		return 0;
	for (start = *end; start > 0 && s[start - 1] != '\n'; start--)
		;
	*line = s + start;
	*n = (size_t)(*end - start);
	*end = start - 1;
	return 1;
}

static int
has_skip_trailer(const char *msg)
{
	long end = (long)strlen(msg);
	const char *l;
	size_t n;

	do {
		if (!prev_line(msg, &end, &l, &n))
			return 0;
	} while (is_blank(l, n));
	if (!is_skip_checks(l, n))
		return 0;
	/* The rest of the trailer block, up to the first empty line... */
	for (;;) {
		if (!prev_line(msg, &end, &l, &n))
			return 0;
		if (is_blank(l, n))
			break;
		if (!is_trailer_line(l, n))
			return 0;
	}
	/* ...which must be the second of (at least) two. */
	return prev_line(msg, &end, &l, &n) && is_blank(l, n);
}

int
ovm_message_has_ci_skip(const char *msg)
{
	size_t i, k, n;

	if (msg == NULL)
		return 0;
	n = strlen(msg);
	for (i = 0; i < n; i++) {
		if (msg[i] != '[')
			continue;
		for (k = 0; k < sizeof(skip_markers) / sizeof(*skip_markers);
		    k++)
			if (ci_prefix(msg + i, n - i, skip_markers[k]))
				return 1;
	}
	return has_skip_trailer(msg);
}
