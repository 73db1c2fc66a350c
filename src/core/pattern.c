/*
 * The expressions behind templates (template.c) and path filters
 * (pathfilter.c): PCRE2 regular expressions built from literal text.
 * Pure: no I/O.
 *
 * Every literal byte is written to the expression as \xHH (letters, digits
 * and '/' as themselves), so no text from a template or a path pattern can
 * ever act as regex syntax.  Expressions run without UTF mode: matching is
 * byte by byte, so a path or tag that is not valid UTF-8 is still matched,
 * never an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pattern.h"
#include "core/pattern_int.h"

void
pat_rb_add(struct pat_rbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *np;

		while (b->len + n + 1 > cap)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
pat_rb_str(struct pat_rbuf *b, const char *s)
{
	pat_rb_add(b, s, strlen(s));
}

static int
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* One byte that must match itself. */
void
pat_rb_byte(struct pat_rbuf *b, unsigned char c)
{
	char hex[5];

	if (is_alnum(c) || c == '/') {
		pat_rb_add(b, (const char *)&c, 1);
		return;
	}
	snprintf(hex, sizeof(hex), "\\x%02x", c);
	pat_rb_add(b, hex, 4);
}

void
pat_rb_literal(struct pat_rbuf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pat_rb_byte(b, (unsigned char)s[i]);
}

/*
 * Compiles re; on failure sets err with PCRE2's message about what (the
 * source text the user wrote) and returns OVM_ECONFIG.
 */
int
pat_compile_re(pcre2_code **out, const char *re, size_t len, const char *what,
    const char *src, struct ovm_err *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	int code = 0;

	*out = pcre2_compile((PCRE2_SPTR)re, len,
	    PCRE2_ANCHORED | PCRE2_DOTALL, &code, &off, NULL);
	if (*out != NULL)
		return 0;
	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "error %d", code);
	return ovm_err_set(err, OVM_ECONFIG,
	    "%s '%s': cannot compile: %s (offset %zu of /%s/)", what, src,
	    (const char *)msg, (size_t)off, re);
}

void
ovm_pattern_pcre2_version(char *buf, size_t size)
{
	char v[64];

	if (size == 0)
		return;
	if (pcre2_config(PCRE2_CONFIG_VERSION, v) < 0)
		snprintf(v, sizeof(v), "unknown");
	snprintf(buf, size, "%.*s", (int)strcspn(v, " "), v);
}
