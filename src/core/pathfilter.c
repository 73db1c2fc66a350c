/*
 * GitHub-style path filters (on.push.paths): each pattern translated to an
 * anchored expression and matched with PCRE2's DFA matcher, the last
 * matching pattern deciding.
 */
#include <stdlib.h>
#include <string.h>

#include "core/pathfilter.h"
#include "core/pattern_int.h"

struct pathpat {
	int exclude;
	pcre2_code *code;
};

struct ovm_pathfilter {
	struct pathpat *pats;
	size_t n;
	char **prefixes;
	size_t n_prefixes;
	pcre2_match_data *md;	/* scratch for ovm_pathfilter_match */
};

/* Length of the UTF-8 character at s (1 for a stray or invalid byte). */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 1;
	if (n > avail)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * One character, literally; a multi-byte one is a group, so that a '?' or
 * '+' after it repeats the whole character, not its last byte.
 */
static void
rb_char(struct pat_rbuf *b, const char *s, size_t n)
{
	if (n > 1)
		pat_rb_str(b, "(?:");
	pat_rb_literal(b, s, n);
	if (n > 1)
		pat_rb_str(b, ")");
}

static int
pat_error(struct ovm_err *err, const char *src, size_t col, const char *what)
{
	return ovm_err_set(err, OVM_ECONFIG, "path pattern '%s', column %zu: %s",
	    src, col, what);
}

static int
range_ok(unsigned char lo, unsigned char hi)
{
	if (lo > hi)
		return 0;
	return (lo >= '0' && hi <= '9') || (lo >= 'a' && hi <= 'z') ||
	    (lo >= 'A' && hi <= 'Z');
}

/*
 * Translates "[...]" starting at p[*i] == '['; on return *i is past ']'.
 * GitHub documents a class as alphanumerics and the ranges a-z, A-Z, 0-9;
 * other printable ASCII is accepted as members (escaped with '\' when it is
 * ']' or '\'), never '/', and a leading '!' or '^' is refused rather than
 * silently read as a member: the dialect has no negated class.
 */
static int
translate_class(struct pat_rbuf *b, const char *p, size_t *i, const char *src,
    size_t base, struct ovm_err *err)
{
	size_t j = *i + 1, open = *i;
	int members = 0;

	if (p[j] == '!' || p[j] == '^')
		return pat_error(err, src, base + j + 1, "negated classes "
		    "('[!...]', '[^...]') are not part of GitHub's dialect");
	pat_rb_str(b, "[");
	for (;;) {
		unsigned char c = (unsigned char)p[j], hi;

		if (c == '\0')
			return pat_error(err, src, base + open + 1,
			    "'[' is not closed by ']'");
		if (c == ']')
			break;
		if (c == '\\') {
			j++;
			c = (unsigned char)p[j];
			if (c == '\0')
				continue;	/* reported as unclosed */
		}
		if (c == '/')
			return pat_error(err, src, base + j + 1,
			    "'/' cannot be in a '[...]' class");
		if (c < 0x21 || c > 0x7e)
			return pat_error(err, src, base + j + 1,
			    "only printable ASCII can be in a '[...]' class");
		if (p[j + 1] == '-' && p[j + 2] != ']' && p[j + 2] != '\0') {
			hi = (unsigned char)p[j + 2];
			if (!range_ok(c, hi))
				return pat_error(err, src, base + j + 1,
				    "a range must be within a-z, A-Z or 0-9, "
				    "low to high");
			pat_rb_byte(b, c);
			pat_rb_str(b, "-");
			pat_rb_byte(b, hi);
			j += 3;
		} else {
			pat_rb_byte(b, c);
			j++;
		}
		members++;
	}
	if (members == 0)
		return pat_error(err, src, base + open + 1,
		    "empty class '[]'");
	pat_rb_str(b, "]");
	*i = j + 1;
	return 0;
}

/*
 * Refuses what can never match a repository-relative path: a leading '/',
 * an empty segment (also a trailing '/') and "." or ".." segments.
 */
static int
check_segments(const char *p, const char *src, size_t base,
    struct ovm_err *err)
{
	const char *seg = p;

	if (*p == '/') {
		pat_error(err, src, base + 1, "a path pattern is relative to "
		    "the repository root and cannot start with '/'");
		return ovm_err_hint(err, "remove the leading '/'");
	}
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);

		if (n == 0) {
			pat_error(err, src, base + (size_t)(seg - p) + 1,
			    "empty path segment ('//' or a trailing '/')");
			return ovm_err_hint(err, "to match everything below "
			    "a directory, write 'dir/**'");
		}
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return pat_error(err, src,
			    base + (size_t)(seg - p) + 1, "'.' and '..' "
			    "segments never match a repository path");
		if (end == NULL)
			return 0;
		seg = end + 1;
	}
}

/*
 * Translates the body of a path pattern (after a leading '!') to an
 * anchored expression.  base is the body's offset in src, for columns.
 */
static int
translate_path(struct pat_rbuf *b, const char *p, const char *src, size_t base,
    struct ovm_err *err)
{
	size_t i = 0, n = strlen(p);
	int can_repeat = 0;	/* the last token is a character or class */
	int seg_start = 1;	/* at the start of the pattern or a segment */
	int rc;

	if (n == 0 && *src == '!')
		return ovm_err_set(err, OVM_ECONFIG, "path pattern '%s' has "
		    "nothing after '!'", src);
	if (n == 0)
		return ovm_err_set(err, OVM_ECONFIG, "empty path pattern");
	rc = check_segments(p, src, base, err);
	if (rc < 0)
		return rc;
	pat_rb_str(b, "\\A");
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t run, cl;

		switch (c) {
		case '*':
			for (run = 0; p[i + run] == '*'; run++)
				;
			if (run == 1) {
				pat_rb_str(b, "[^/]*");
			} else if (seg_start && p[i + run] == '/') {
				/*
				 * "**" as a whole segment: any directories,
				 * none included ("**" + "/README.md" matches
				 * "README.md" in GitHub's cheat sheet).  A
				 * repeated "**" segment adds nothing.
				 */
				pat_rb_str(b, "(?:.*/)?");
				run++;
				while (strncmp(p + i + run, "**/", 3) == 0)
					run += 3;
				i += run;
				can_repeat = 0;
				seg_start = 1;
				continue;
			} else {
				pat_rb_str(b, ".*");
			}
			i += run;
			can_repeat = 0;
			seg_start = 0;
			break;
		case '?':
		case '+':
			if (!can_repeat)
				return pat_error(err, src, base + i + 1,
				    c == '?' ? "'?' (zero or one of the "
				    "preceding character) has nothing to "
				    "repeat; write '\\?' for a literal '?'" :
				    "'+' (one or more of the preceding "
				    "character) has nothing to repeat; write "
				    "'\\+' for a literal '+'");
			pat_rb_add(b, (const char *)&c, 1);
			i++;
			can_repeat = 0;
			seg_start = 0;
			break;
		case '[':
			rc = translate_class(b, p, &i, src, base, err);
			if (rc < 0)
				return rc;
			can_repeat = 1;
			seg_start = 0;
			break;
		case '\\':
			if (i + 1 >= n)
				return pat_error(err, src, base + i + 1,
				    "'\\' at the end escapes nothing");
			i++;	/* the next character, literally */
			/* FALLTHROUGH */
		default:
			cl = utf8_len((const unsigned char *)p + i, n - i);
			rb_char(b, p + i, cl);
			seg_start = p[i] == '/';
			i += cl;
			can_repeat = 1;
			break;
		}
	}
	pat_rb_str(b, "\\z");
	if (b->oom)
		return ovm_err_set(err, OVM_ENOMEM, "out of memory compiling "
		    "path pattern '%s'", src);
	return 0;
}

/*
 * The literal leading part of a pattern body (see the header).  A
 * character followed by '?' or '+' is optional or repeated, so the literal
 * part ends before it.  Allocates *out.
 */
static int
literal_prefix(char **out, const char *p)
{
	size_t i = 0, len = 0, last_slash = 0, n = strlen(p);
	char *lit = malloc(n + 1);
	int whole = 1;

	*out = NULL;
	if (lit == NULL)
		return OVM_ENOMEM;
	while (i < n) {
		size_t at = i, cl;

		if (p[i] == '*' || p[i] == '?' || p[i] == '+' || p[i] == '[') {
			whole = 0;
			break;
		}
		if (p[i] == '\\')
			at = i + 1;
		cl = utf8_len((const unsigned char *)p + at, n - at);
		if (p[at + cl] == '?' || p[at + cl] == '+') {
			whole = 0;
			break;
		}
		memcpy(lit + len, p + at, cl);
		len += cl;
		if (p[at] == '/')
			last_slash = len;
		i = at + cl;
	}
	lit[whole ? len : last_slash] = '\0';
	*out = lit;
	return 0;
}

static int
add_prefix(struct ovm_pathfilter *f, const char *body)
{
	char *pre = NULL;
	size_t k;
	int rc;

	rc = literal_prefix(&pre, body);
	if (rc < 0)
		return rc;
	for (k = 0; k < f->n_prefixes; k++) {
		if (strcmp(f->prefixes[k], pre) == 0) {
			free(pre);
			return 0;
		}
	}
	f->prefixes[f->n_prefixes++] = pre;
	return 0;
}

int
ovm_pathfilter_compile(struct ovm_pathfilter **out,
    const char *const *patterns, size_t n, struct ovm_err *err)
{
	struct ovm_pathfilter *f = NULL;
	struct pat_rbuf re = PAT_RBUF_INIT;
	size_t k;
	int rc = 0;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		goto oom;
	if (n > 0) {
		f->pats = calloc(n, sizeof(*f->pats));
		f->prefixes = calloc(n, sizeof(*f->prefixes));
		if (f->pats == NULL || f->prefixes == NULL)
			goto oom;
	}
	for (k = 0; k < n; k++) {
		const char *src = patterns[k], *body;

		if (src == NULL) {
			rc = ovm_err_set(err, OVM_ECONFIG, "empty path pattern");
			goto done;
		}
		body = src[0] == '!' ? src + 1 : src;
		re.len = 0;
		rc = translate_path(&re, body, src, (size_t)(body - src), err);
		if (rc < 0)
			goto done;
		rc = pat_compile_re(&f->pats[k].code, re.p, re.len,
		    "path pattern", src, err);
		if (rc < 0)
			goto done;
		f->pats[k].exclude = body != src;
		f->n = k + 1;
		if (!f->pats[k].exclude && add_prefix(f, body) < 0)
			goto oom;
	}
	f->md = pcre2_match_data_create(1, NULL);
	if (f->md == NULL)
		goto oom;
	*out = f;
	f = NULL;
	goto done;
oom:
	rc = ovm_err_set(err, OVM_ENOMEM, "out of memory compiling path "
	    "patterns");
done:
	free(re.p);
	ovm_pathfilter_free(f);
	return rc;
}

void
ovm_pathfilter_free(struct ovm_pathfilter *f)
{
	size_t k;

	if (f == NULL)
		return;
	for (k = 0; k < f->n; k++)
		pcre2_code_free(f->pats[k].code);
	for (k = 0; k < f->n_prefixes; k++)
		free(f->prefixes[k]);
	pcre2_match_data_free(f->md);
	free(f->pats);
	free(f->prefixes);
	free(f);
}

/*
 * 1 / 0 for one pattern.  The DFA matcher, not the backtracking one: it
 * takes time linear in the path whatever the pattern ("*a*a*a*a*b" and
 * friends cannot blow up), and it needs no capture.  Its workspace holds
 * the active states; it grows if a pattern ever needs more.
 */
static int
match_one(const struct pathpat *pp, pcre2_match_data *md, const char *path,
    size_t len)
{
	int stack_ws[1024];
	int *ws = stack_ws, *heap = NULL;
	size_t wscount = sizeof(stack_ws) / sizeof(stack_ws[0]);
	int rc;

	for (;;) {
		rc = pcre2_dfa_match(pp->code, (PCRE2_SPTR)path, len, 0,
		    PCRE2_DFA_SHORTEST, md, NULL, ws, wscount);
		if (rc != PCRE2_ERROR_DFA_WSSIZE || wscount >= (1u << 24))
			break;
		wscount *= 4;
		free(heap);
		heap = malloc(wscount * sizeof(*heap));
		if (heap == NULL)
			return OVM_ENOMEM;
		ws = heap;
	}
	free(heap);
	if (rc >= 0)
		return 1;	/* 0: more matches than ovector slots */
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	/* Only resource limits remain; none is reachable by a real path. */
	return OVM_ENOMEM;
}

int
ovm_pathfilter_match(const struct ovm_pathfilter *f, const char *path)
{
	size_t k, len;

	if (f == NULL || path == NULL)
		return 0;
	len = strlen(path);
	/* The last matching pattern decides: look from the end. */
	for (k = f->n; k-- > 0;) {
		int rc = match_one(&f->pats[k], f->md, path, len);

		if (rc < 0)
			return rc;
		if (rc == 1)
			return f->pats[k].exclude ? 0 : 1;
	}
	return 0;
}

const char *const *
ovm_pathfilter_prefixes(const struct ovm_pathfilter *f, size_t *n_out)
{
	*n_out = f->n_prefixes;
	return (const char *const *)f->prefixes;
}

int
ovm_pattern_is_literal(const char *pattern)
{
	if (pattern == NULL || *pattern == '\0' || *pattern == '!')
		return 0;
	return strpbrk(pattern, "*?+[\\") == NULL;
}
