/*
 * BuildKit's shell lexer (frontend/dockerfile/shell/lex.go) for one word:
 * quotes, escapes, $ expansion and the shell patterns of the modifiers
 * (convertShellPatternToRegex).  The names in comments (processDollar, ...)
 * point at the Go function a piece mirrors.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dfshell.h"
#include "core/dockerfile/dftext.h"
#include "util/util.h"

#define NONE (-1)		/* no character: the end of the text */
#define MAX_NESTING 64		/* ${...} inside ${...} */

/* ---- shell patterns (convertShellPatternToRegex: * ? \x only) ------- */

enum { PT_LIT, PT_ANY, PT_STAR };

struct ptok {
	int kind;
	const char *lit;	/* PT_LIT: one rune */
	size_t len;
};

/* Allocates *out (points into pat).  Returns 0 or -1 with msg. */
static int
pat_compile(struct ptok **out, size_t *nout, const char *pat, size_t n,
    char *msg, size_t msgsz)
{
	struct ptok *t = calloc(n + 1, sizeof(*t));
	size_t i = 0, k = 0, l;

	*out = t;
	*nout = 0;
	if (t == NULL)
		return OVM_ENOMEM;
	while (i < n) {
		if (pat[i] == '*' || pat[i] == '?') {
			t[k++].kind = pat[i] == '*' ? PT_STAR : PT_ANY;
			i++;
			continue;
		}
		if (pat[i] == '\\') {
			/* "\}" and "\/" only protect ${...}: the '\' goes */
			if (i + 1 < n &&
			    (pat[i + 1] == '}' || pat[i + 1] == '/')) {
				i++;
				continue;
			}
			if (i + 1 == n || strchr("*?\\", pat[i + 1]) == NULL) {
				l = i + 1 < n ?
				    df_rune_len(pat + i + 1, n - i - 1) : 0;
				snprintf(msg, msgsz, "invalid escape '\\%.*s'",
				    (int)l, pat + i + 1);
				return -1;
			}
			i++;
		}
		l = df_rune_len(pat + i, n - i);
		t[k].kind = PT_LIT;
		t[k].lit = pat + i;
		t[k++].len = l;
		i += l;
	}
	*nout = k;
	return 0;
}

/* Does the whole of s[0..n) match the pattern? */
static int
pat_match(const struct ptok *t, size_t nt, const char *s, size_t n)
{
	size_t ti = 0, si = 0, star_t = SIZE_MAX, star_s = 0;

	while (si < n) {
		if (ti < nt && t[ti].kind == PT_STAR) {
			star_t = ti++;
			star_s = si;
			continue;
		}
		if (ti < nt && t[ti].kind == PT_ANY) {
			si += df_rune_len(s + si, n - si);
			ti++;
			continue;
		}
		if (ti < nt && t[ti].len <= n - si &&
		    memcmp(s + si, t[ti].lit, t[ti].len) == 0) {
			si += t[ti].len;
			ti++;
			continue;
		}
		if (star_t == SIZE_MAX)
			return 0;
		ti = star_t + 1;
		star_s += df_rune_len(s + star_s, n - star_s);
		si = star_s;
	}
	while (ti < nt && t[ti].kind == PT_STAR)
		ti++;
	return ti == nt;
}

static size_t
next_rune(const char *s, size_t n, size_t i)
{
	return i < n ? i + df_rune_len(s + i, n - i) : n + 1;
}

static size_t
prev_rune(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

/*
 * The shortest (or, greedy, the longest) match of the pattern that starts
 * at from; Go's leftmost-first regexp picks exactly that when every star is
 * lazy (or every star greedy).  Returns its end or SIZE_MAX.
 */
static size_t
pat_match_at(const struct ptok *t, size_t nt, const char *s, size_t n,
    size_t from, int greedy)
{
	size_t e;

	if (!greedy) {
		for (e = from; e <= n; e = next_rune(s, n, e))
			if (pat_match(t, nt, s + from, e - from))
				return e;
		return SIZE_MAX;
	}
	for (e = n;; e = prev_rune(s, e)) {
		if (pat_match(t, nt, s + from, e - from))
			return e;
		if (e == from)
			return SIZE_MAX;
	}
}

/* ${X#p} ${X##p} ${X%p} ${X%%p}: appends the trimmed value to b. */
static int
pat_trim(struct ovm_buf *b, const struct ptok *t, size_t nt, const char *v,
    int suffix, int greedy)
{
	size_t n = strlen(v), j, e;

	if (!suffix) {
		e = pat_match_at(t, nt, v, n, 0, greedy);
		return ovm_buf_puts(b, e == SIZE_MAX ? v : v + e);
	}
	/* The shortest suffix starts last, the longest first. */
	for (j = greedy ? 0 : n;; j = greedy ? next_rune(v, n, j) :
	    prev_rune(v, j)) {
		if (j > n)
			break;
		if (pat_match(t, nt, v + j, n - j))
			return ovm_buf_add(b, v, j);
		if (!greedy && j == 0)
			break;
	}
	return ovm_buf_puts(b, v);
}

/* ${X/p/r} and ${X//p/r}: Go's FindStringIndex and ReplaceAllString. */
static int
pat_replace(struct ovm_buf *b, const struct ptok *t, size_t nt,
    const char *v, const char *rep, int all)
{
	size_t n = strlen(v), pos = 0, last = 0, s, e = SIZE_MAX, w;
	int rc = 0;

	while (pos <= n) {
		for (s = pos; s <= n; s = next_rune(v, n, s)) {
			e = pat_match_at(t, nt, v, n, s, 1);
			if (e != SIZE_MAX)
				break;
		}
		if (e == SIZE_MAX)
			break;
		rc |= ovm_buf_add(b, v + last, s - last);
		/* no second replacement for an empty match right after one */
		if (e > last || s == 0)
			rc |= ovm_buf_puts(b, rep);
		last = e;
		if (!all)
			break;
		w = pos < n ? df_rune_len(v + pos, n - pos) : 0;
		if (pos + w > e)
			pos += w;
		else if (pos + 1 > e)
			pos++;
		else
			pos = e;
		e = SIZE_MAX;
	}
	rc |= ovm_buf_puts(b, v + last);
	return rc < 0 ? OVM_ENOMEM : 0;
}

/* ---- the shell lexer (shell/lex.go) --------------------------------- */

struct lexer {
	const char *s;
	size_t n, i;
	char esc;
	int strict;
	int depth;
	const struct df_env *env;
	char msg[512];
};

static int lx_stop_on(struct lexer *lx, int stop, int raw, struct df_xres *r);

static int
lx_fail(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
lx_fail(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lx->msg, sizeof(lx->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
lx_peek(const struct lexer *lx)
{
	return lx->i < lx->n ? (unsigned char)lx->s[lx->i] : NONE;
}

static int
lx_next(struct lexer *lx)
{
	return lx->i < lx->n ? (unsigned char)lx->s[lx->i++] : NONE;
}

/* processName: digits, one special parameter, or [A-Za-z0-9_]*. */
static void
lx_name(struct lexer *lx, const char **name, size_t *n)
{
	size_t start = lx->i;
	int c = lx_peek(lx);

	if (c != NONE && df_is_digit(c)) {
		while (lx->i < lx->n &&
		    df_is_digit((unsigned char)lx->s[lx->i]))
			lx->i++;
	} else if (c != NONE && strchr("@*#?-$!", c) != NULL) {
		lx->i++;
	} else {
		while (lx->i < lx->n &&
		    (df_is_alpha((unsigned char)lx->s[lx->i]) ||
		    df_is_digit((unsigned char)lx->s[lx->i]) ||
		    lx->s[lx->i] == '_'))
			lx->i++;
	}
	*name = lx->s + start;
	*n = lx->i - start;
}

/* In strict mode any use of a builder ARG counts as depending on it. */
static void
lx_touch(const struct lexer *lx, struct df_xres *r, const struct df_var *v)
{
	if (v != NULL && lx->strict && v->builtin && r->taint == NULL)
		r->taint = v->taint;
}

static void
lx_bare(struct lexer *lx, struct df_xres *r, const char *name, size_t n)
{
	const struct df_var *v = df_env_get(lx->env, name, n);

	if (v == NULL) {
		df_xr_unset(r, name, n);
		return;
	}
	lx_touch(lx, r, v);
	df_xr_var(r, v);
}

static int
lx_single(struct lexer *lx, struct df_xres *r)
{
	const char *q;

	lx->i++;
	q = memchr(lx->s + lx->i, '\'', lx->n - lx->i);
	if (q == NULL)
		return lx_fail(lx, "unexpected end of statement while "
		    "looking for matching single-quote");
	df_xr_text(r, lx->s + lx->i, (size_t)(q - (lx->s + lx->i)));
	lx->i = (size_t)(q - lx->s) + 1;
	return 0;
}

static int lx_dollar(struct lexer *lx, struct df_xres *r);

static int
lx_double(struct lexer *lx, int raw, struct df_xres *r)
{
	char c;

	lx->i++;
	for (;;) {
		if (lx->i >= lx->n)
			return lx_fail(lx, "unexpected end of statement while "
			    "looking for matching double-quote");
		c = lx->s[lx->i];
		if (c == '"') {
			lx->i++;
			return 0;
		}
		if (c == '$') {
			if (lx_dollar(lx, r) < 0)
				return -1;
			continue;
		}
		lx->i++;
		if (c == lx->esc) {
			if (raw)
				df_xr_text(r, &c, 1);
			if (lx->i >= lx->n)
				continue;
			if (lx->s[lx->i] == '"' || lx->s[lx->i] == '$' ||
			    lx->s[lx->i] == lx->esc)
				c = lx->s[lx->i++];
		}
		df_xr_text(r, &c, 1);
	}
}

/* ${X/p/r}, ${X//p/r} */
static int
lx_replace(struct lexer *lx, struct df_xres *r, const char *name, size_t nl)
{
	struct df_xres pat = DF_XRES_INIT, rep = DF_XRES_INIT;
	struct ptok *t = NULL;
	const struct df_var *v;
	size_t nt, start = r->out.len;
	char why[64];
	int all = 0, rc = -1;

	if (lx_peek(lx) == '/') {
		lx->i++;
		all = 1;
	}
	if (lx_stop_on(lx, '/', 1, &pat) < 0) {
		if (lx->i >= lx->n)
			lx_fail(lx, "syntax error: missing '/' in ${}");
		goto done;
	}
	if (lx_stop_on(lx, '}', 1, &rep) < 0) {
		if (lx->i >= lx->n)
			lx_fail(lx, "syntax error: missing '}'");
		goto done;
	}
	v = df_env_get(lx->env, name, nl);
	lx_touch(lx, r, v);
	rc = pat_compile(&t, &nt, pat.out.ptr != NULL ? pat.out.ptr : "",
	    pat.out.len, why, sizeof(why));
	if (rc == -1) {
		lx_fail(lx, "invalid pattern (%.*s) in substitution: %s",
		    (int)pat.out.len, pat.out.ptr, why);
		goto done;
	}
	if (rc < 0 || pat_replace(&r->out, t, nt, v != NULL ? v->value : "",
	    rep.out.ptr != NULL ? rep.out.ptr : "", all) < 0)
		r->oom = 1;
	if (r->out.len > start)
		r->nonempty = 1;
	if (v != NULL)
		df_xr_depends(r, v);
	df_xr_merge_deps(r, &pat);
	df_xr_merge_deps(r, &rep);
	rc = 0;
done:
	free(t);
	df_xr_free(&pat);
	df_xr_free(&rep);
	return rc;
}

/* ${X-w} ${X:-w} ${X+w} ${X:+w} ${X?w} ${X:?w} ${X#w} ${X%w} ... */
static int
lx_modifier(struct lexer *lx, struct df_xres *r, const char *name, size_t nl,
    int colon, int mod)
{
	struct df_xres w = DF_XRES_INIT;
	struct ptok *t = NULL;
	const struct df_var *v;
	const char *pat;
	size_t start = r->out.len, nt;
	char why[64];
	int raw = mod == '#' || mod == '%', greedy, rc = -1;

	if (colon && raw)
		return lx_fail(lx, "unsupported modifier (:%c) in "
		    "substitution", mod);
	if (lx_stop_on(lx, '}', raw, &w) < 0) {
		if (lx->i >= lx->n)
			lx_fail(lx, "syntax error: missing '}'");
		goto done;
	}
	v = df_env_get(lx->env, name, nl);
	lx_touch(lx, r, v);
	switch (mod) {
	case '-':
		if (v != NULL && colon)
			df_xr_depends_empty(r, v);
		if (v == NULL || (colon && !v->maybe_empty &&
		    v->value[0] == '\0'))
			df_xr_merge(r, &w);
		else
			df_xr_var(r, v);
		break;
	case '+':
		if (v != NULL && colon)
			df_xr_depends_empty(r, v);
		if (v != NULL && !(colon && !v->maybe_empty &&
		    v->value[0] == '\0'))
			df_xr_merge(r, &w);
		break;
	case '?':
		if (v == NULL) {
			lx_fail(lx, "%.*s: %s", (int)nl, name, w.out.len > 0 ?
			    w.out.ptr : "is not allowed to be unset");
			goto done;
		}
		if (colon && !v->maybe_empty && v->value[0] == '\0') {
			lx_fail(lx, "%.*s: %s", (int)nl, name, w.out.len > 0 ?
			    w.out.ptr : "is not allowed to be empty");
			goto done;
		}
		if (colon)
			df_xr_depends_empty(r, v);
		df_xr_var(r, v);
		break;
	case '#':
	case '%':
		pat = w.out.ptr != NULL ? w.out.ptr : "";
		greedy = pat[0] == mod;
		rc = pat_compile(&t, &nt, pat + greedy, strlen(pat + greedy),
		    why, sizeof(why));
		if (rc == -1) {
			lx_fail(lx, "invalid pattern (%s) in substitution: %s",
			    pat + greedy, why);
			goto done;
		}
		if (rc < 0 || pat_trim(&r->out, t, nt, v != NULL ? v->value :
		    "", mod == '%', greedy) < 0)
			r->oom = 1;
		if (r->out.len > start)
			r->nonempty = 1;
		if (v != NULL) {
			df_xr_depends(r, v);
			r->maybe |= v->maybe_empty;
		}
		df_xr_merge_deps(r, &w);
		break;
	default:
		if (mod == NONE)
			lx_fail(lx, "syntax error: missing '}'");
		else
			lx_fail(lx, "unsupported modifier (%s%c) in "
			    "substitution", colon ? ":" : "", mod);
		goto done;
	}
	rc = 0;
done:
	free(t);
	df_xr_free(&w);
	return rc;
}

/* processDollar */
static int
lx_dollar_in(struct lexer *lx, struct df_xres *r)
{
	const char *name;
	size_t nl;
	int c;

	lx->i++;
	if (lx_peek(lx) != '{') {
		lx_name(lx, &name, &nl);
		if (nl == 0)
			df_xr_text(r, "$", 1);
		else
			lx_bare(lx, r, name, nl);
		return 0;
	}
	lx->i++;
	c = lx_peek(lx);
	if (c == NONE)
		return lx_fail(lx, "syntax error: missing '}'");
	if (c == '{' || c == '}' || c == ':')
		return lx_fail(lx, "syntax error: bad substitution");
	lx_name(lx, &name, &nl);
	c = lx_next(lx);
	switch (c) {
	case '}':
		lx_bare(lx, r, name, nl);
		return 0;
	case '/':
		return lx_replace(lx, r, name, nl);
	case ':':
		return lx_modifier(lx, r, name, nl, 1, lx_next(lx));
	case '+':
	case '-':
	case '?':
	case '#':
	case '%':
		return lx_modifier(lx, r, name, nl, 0, c);
	case NONE:
		return lx_fail(lx, "syntax error: missing '}' after '${%.*s'",
		    (int)nl, name);
	default:
		return lx_fail(lx, "unsupported modifier (%c) in substitution",
		    c);
	}
}

/* Go's stack grows; ours does not: ${ nesting is bounded. */
static int
lx_dollar(struct lexer *lx, struct df_xres *r)
{
	int rc;

	if (lx->depth >= MAX_NESTING)
		return lx_fail(lx, "substitutions nested more than %d deep",
		    MAX_NESTING);
	lx->depth++;
	rc = lx_dollar_in(lx, r);
	lx->depth--;
	return rc;
}

/* processStopOn: up to stop (NONE: the end); raw keeps escape chars. */
static int
lx_stop_on(struct lexer *lx, int stop, int raw, struct df_xres *r)
{
	char c;
	int rc;

	while (lx->i < lx->n) {
		c = lx->s[lx->i];
		if (stop != NONE && (unsigned char)c == stop) {
			lx->i++;
			return 0;
		}
		if (c == '\'' || c == '"' || c == '$') {
			if (c == '\'')
				rc = lx_single(lx, r);
			else if (c == '"')
				rc = lx_double(lx, raw, r);
			else
				rc = lx_dollar(lx, r);
			if (rc < 0)
				return rc;
			continue;
		}
		lx->i++;
		if (c == lx->esc) {
			if (raw)
				df_xr_text(r, &c, 1);
			if (lx->i >= lx->n)
				break;
			c = lx->s[lx->i++];
		}
		df_xr_text(r, &c, 1);
	}
	if (stop != NONE)
		return lx_fail(lx, "unexpected end of statement while looking "
		    "for matching %c", stop);
	return 0;
}

/*
 * ProcessWordWithMatches: expands word into *r.  Returns 0, -1 with msg
 * (BuildKit's error) or OVM_ENOMEM.
 */
int
df_expand(struct df_xres *r, const char *word, char esc,
    const struct df_env *env, int strict, char *msg, size_t msgsz)
{
	struct lexer lx;

	memset(&lx, 0, sizeof(lx));
	lx.s = word;
	lx.n = strlen(word);
	lx.esc = esc;
	lx.strict = strict;
	lx.env = env;
	if (lx_stop_on(&lx, NONE, 0, r) < 0) {
		snprintf(msg, msgsz, "%s", lx.msg);
		return -1;
	}
	if (r->out.ptr == NULL && ovm_buf_add(&r->out, "", 0) < 0)
		r->oom = 1;
	return r->oom ? OVM_ENOMEM : 0;
}
