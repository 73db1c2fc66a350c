/*
 * The base image of a Dockerfile (SPEC 2.1).  This follows BuildKit's
 * frontend/dockerfile step by step, because the image that matters is the
 * one BuildKit builds, not the one a regex finds:
 *   parser/parser.go         physical lines, directives, continuations
 *   parser/split_command.go  instruction name and --flags
 *   parser/line_parsers.go   ARG words (quotes kept), FROM words (blanks)
 *   instructions/parse.go    ARG pairs, FROM arity, stage names
 *   shell/lex.go             quotes, escapes, $ expansion, patterns
 *   dockerfile2llb           meta ARGs, builder ARGs, blank names, scratch
 * The names in comments (trimContinuationCharacter, parseWords, ...) point
 * at the Go function a piece mirrors.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "ovm/dockerfile.h"
#include "ovm/util.h"

#define LINE_MAX_BYTES 65535	/* bufio.Scanner's token limit, less LF */
#define NONE (-1)		/* no character: the end of the text */
#define MAX_NESTING 64		/* ${...} inside ${...} */

/*
 * Builder-provided ARGs (dockerfile2llb defaultArgs): always set, to a
 * value only the build knows.  The *VARIANT and *OSVERSION ones may be
 * empty (linux/amd64 has no variant).
 */
static const struct {
	const char *name;
	int maybe_empty;
} builder_args[] = {
	{ "BUILDPLATFORM", 0 }, { "BUILDOS", 0 }, { "BUILDOSVERSION", 1 },
	{ "BUILDARCH", 0 }, { "BUILDVARIANT", 1 }, { "TARGETPLATFORM", 0 },
	{ "TARGETOS", 0 }, { "TARGETOSVERSION", 1 }, { "TARGETARCH", 0 },
	{ "TARGETVARIANT", 1 }, { "TARGETSTAGE", 0 },
};

static const char *const instructions[] = {
	"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from",
	"healthcheck", "label", "maintainer", "onbuild", "run", "shell",
	"stopsignal", "user", "volume", "workdir",
};

/* ---- text ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
static size_t
u8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, need;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		need = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return need;
}

/* The length of the rune at s (text is valid UTF-8 once checked). */
static size_t
rune_len(const char *s, size_t n)
{
	size_t l = u8_len(s, n);

	return l > 0 ? l : 1;
}

/* unicode.IsSpace: the length of the white-space rune at s, or 0. */
static size_t
uspace(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n == 0)
		return 0;
	if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if ((s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) ||
	    (s[0] == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 ||
	    s[2] == 0xA9 || s[2] == 0xAF)) ||
	    (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) ||
	    (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80))
		return 3;
	return 0;
}

/* The number of bytes of white space at the start of s. */
static size_t
skip_space(const char *s, size_t n)
{
	size_t i = 0, l;

	for (;;) {
		l = uspace(s + i, n - i);
		if (l == 0)
			return i;
		i += l;
	}
}

/* The length of s[0..n) without trailing white space. */
static size_t
trim_space_end(const char *s, size_t n)
{
	for (;;) {
		if (n >= 1 && uspace(s + n - 1, 1) == 1)
			n -= 1;
		else if (n >= 2 && uspace(s + n - 2, 2) == 2)
			n -= 2;
		else if (n >= 3 && uspace(s + n - 3, 3) == 3)
			n -= 3;
		else
			return n;
	}
}

/* reWhitespace: [\t\v\f\r ] */
static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* unicode.IsSpace(rune(b)) on one byte, as extractBuilderFlags tests it */
static int
is_byte_space(int c)
{
	return is_blank(c) || c == '\n' || c == 0x85 || c == 0xA0;
}

/* Go's regexp \s */
static int
is_re_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int
push_n(struct ovm_strv *sv, const char *s, size_t n)
{
	char *tmp = dup_n(s, n);
	int rc;

	if (tmp == NULL)
		return OVM_ENOMEM;
	rc = ovm_strv_push(sv, tmp);
	free(tmp);
	return rc;
}

/* Sets an input error at path:line with a hint; returns OVM_EINPUT. */
static int
fail_at(struct ovm_err *err, const char *path, int line, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail_at(struct ovm_err *err, const char *path, int line, const char *hint,
    const char *fmt, ...)
{
	char msg[OVM_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ovm_err_set_at(err, OVM_EINPUT, path, line, "%s", msg);
	return ovm_err_hint(err, "%s", hint);
}

static int
oom(struct ovm_err *err)
{
	return ovm_err_set(err, OVM_ENOMEM, "out of memory");
}

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
				    rune_len(pat + i + 1, n - i - 1) : 0;
				snprintf(msg, msgsz, "invalid escape '\\%.*s'",
				    (int)l, pat + i + 1);
				return -1;
			}
			i++;
		}
		l = rune_len(pat + i, n - i);
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
			si += rune_len(s + si, n - si);
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
		star_s += rune_len(s + star_s, n - star_s);
		si = star_s;
	}
	while (ti < nt && t[ti].kind == PT_STAR)
		ti++;
	return ti == nt;
}

static size_t
next_rune(const char *s, size_t n, size_t i)
{
	return i < n ? i + rune_len(s + i, n - i) : n + 1;
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
		w = pos < n ? rune_len(v + pos, n - pos) : 0;
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

/* ---- variables ------------------------------------------------------ */

struct df_var {
	char *name;
	char *value;
	const char *taint;	/* builder ARG the value depends on */
	char *unset;		/* variable used bare without a value */
	int maybe_empty;	/* whether it is empty depends on the builder */
	int builtin;		/* set by the builder, not by an ARG */
};

struct df_env {
	struct df_var *v;
	size_t n;
};

/* An expansion: its text, and what the text depends on. */
struct xres {
	struct ovm_buf out;
	const char *taint;	/* builder ARG the text depends on */
	char *unset;		/* first variable used bare, valueless */
	int nonempty;		/* non-empty whatever the builder does */
	int maybe;		/* holds builder values that may be empty */
	int oom;
};

#define XRES_INIT { OVM_BUF_INIT, NULL, NULL, 0, 0, 0 }

static void
xr_free(struct xres *r)
{
	ovm_buf_free(&r->out);
	free(r->unset);
	memset(r, 0, sizeof(*r));
}

static void
xr_text(struct xres *r, const char *s, size_t n)
{
	if (ovm_buf_add(&r->out, s, n) < 0)
		r->oom = 1;
	if (n > 0)
		r->nonempty = 1;
}

static void
xr_unset(struct xres *r, const char *name, size_t n)
{
	if (r->unset != NULL)
		return;
	r->unset = dup_n(name, n);
	if (r->unset == NULL)
		r->oom = 1;
}

/* The text now depends on what v's value depends on. */
static void
xr_depends(struct xres *r, const struct df_var *v)
{
	if (r->taint == NULL)
		r->taint = v->taint;
	if (v->unset != NULL)
		xr_unset(r, v->unset, strlen(v->unset));
}

/* The text depends on whether v is empty. */
static void
xr_depends_empty(struct xres *r, const struct df_var *v)
{
	if (v->maybe_empty && r->taint == NULL)
		r->taint = v->taint;
	if (v->unset != NULL)
		xr_unset(r, v->unset, strlen(v->unset));
}

static void
xr_var(struct xres *r, const struct df_var *v)
{
	if (ovm_buf_puts(&r->out, v->value) < 0)
		r->oom = 1;
	xr_depends(r, v);
	if (v->maybe_empty)
		r->maybe = 1;
	else if (v->value[0] != '\0')
		r->nonempty = 1;
}

/* Appends w (a modifier's word) with all it depends on. */
static void
xr_merge(struct xres *r, struct xres *w)
{
	if (ovm_buf_add(&r->out, w->out.ptr != NULL ? w->out.ptr : "",
	    w->out.len) < 0)
		r->oom = 1;
	if (r->taint == NULL)
		r->taint = w->taint;
	if (w->unset != NULL && r->unset == NULL) {
		r->unset = w->unset;
		w->unset = NULL;
	}
	r->nonempty |= w->nonempty;
	r->maybe |= w->maybe;
	r->oom |= w->oom;
}

/* What w depends on, without its text (a pattern, a replacement). */
static void
xr_merge_deps(struct xres *r, struct xres *w)
{
	if (r->taint == NULL)
		r->taint = w->taint;
	if (w->unset != NULL && r->unset == NULL) {
		r->unset = w->unset;
		w->unset = NULL;
	}
	r->oom |= w->oom;
}

static const struct df_var *
env_get(const struct df_env *env, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < env->n; i++)
		if (strlen(env->v[i].name) == n &&
		    memcmp(env->v[i].name, name, n) == 0)
			return &env->v[i];
	return NULL;
}

static void
var_clear(struct df_var *v)
{
	free(v->value);
	free(v->unset);
	v->value = v->unset = NULL;
}

/* AddOrReplace: name = r's text, with what it depends on. */
static int
env_set(struct df_env *env, const char *name, struct xres *r)
{
	struct df_var *v = (struct df_var *)env_get(env, name, strlen(name));
	struct df_var *nv;

	if (v == NULL) {
		nv = realloc(env->v, (env->n + 1) * sizeof(*nv));
		if (nv == NULL)
			return OVM_ENOMEM;
		env->v = nv;
		v = &env->v[env->n];
		memset(v, 0, sizeof(*v));
		v->name = strdup(name);
		if (v->name == NULL)
			return OVM_ENOMEM;
		env->n++;
	}
	var_clear(v);
	v->value = ovm_buf_detach(&r->out);
	if (v->value == NULL)
		return OVM_ENOMEM;
	v->taint = r->taint;
	v->unset = r->unset;
	r->unset = NULL;
	v->maybe_empty = r->maybe && !r->nonempty;
	v->builtin = 0;
	return 0;
}

static int
env_init(struct df_env *env)
{
	struct xres r = XRES_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(builder_args) /
	    sizeof(builder_args[0]); i++) {
		/* The corpus shows such references as ${NAME}. */
		rc = ovm_buf_printf(&r.out, "${%s}", builder_args[i].name);
		r.taint = builder_args[i].name;
		r.nonempty = !builder_args[i].maybe_empty;
		r.maybe = builder_args[i].maybe_empty;
		if (rc == 0)
			rc = env_set(env, builder_args[i].name, &r);
		if (rc == 0)
			env->v[env->n - 1].builtin = 1;
		xr_free(&r);
	}
	return rc;
}

static void
env_free(struct df_env *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->v[i].name);
		var_clear(&env->v[i]);
	}
	free(env->v);
	env->v = NULL;
	env->n = 0;
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

static int lx_stop_on(struct lexer *lx, int stop, int raw, struct xres *r);

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

	if (c != NONE && is_digit(c)) {
		while (lx->i < lx->n && is_digit((unsigned char)lx->s[lx->i]))
			lx->i++;
	} else if (c != NONE && strchr("@*#?-$!", c) != NULL) {
		lx->i++;
	} else {
		while (lx->i < lx->n && (is_alpha((unsigned char)lx->s[lx->i])
		    || is_digit((unsigned char)lx->s[lx->i]) ||
		    lx->s[lx->i] == '_'))
			lx->i++;
	}
	*name = lx->s + start;
	*n = lx->i - start;
}

/* In strict mode any use of a builder ARG counts as depending on it. */
static void
lx_touch(const struct lexer *lx, struct xres *r, const struct df_var *v)
{
	if (v != NULL && lx->strict && v->builtin && r->taint == NULL)
		r->taint = v->taint;
}

static void
lx_bare(struct lexer *lx, struct xres *r, const char *name, size_t n)
{
	const struct df_var *v = env_get(lx->env, name, n);

	if (v == NULL) {
		xr_unset(r, name, n);
		return;
	}
	lx_touch(lx, r, v);
	xr_var(r, v);
}

static int
lx_single(struct lexer *lx, struct xres *r)
{
	const char *q;

	lx->i++;
	q = memchr(lx->s + lx->i, '\'', lx->n - lx->i);
	if (q == NULL)
		return lx_fail(lx, "unexpected end of statement while "
		    "looking for matching single-quote");
	xr_text(r, lx->s + lx->i, (size_t)(q - (lx->s + lx->i)));
	lx->i = (size_t)(q - lx->s) + 1;
	return 0;
}

static int lx_dollar(struct lexer *lx, struct xres *r);

static int
lx_double(struct lexer *lx, int raw, struct xres *r)
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
				xr_text(r, &c, 1);
			if (lx->i >= lx->n)
				continue;
			if (lx->s[lx->i] == '"' || lx->s[lx->i] == '$' ||
			    lx->s[lx->i] == lx->esc)
				c = lx->s[lx->i++];
		}
		xr_text(r, &c, 1);
	}
}

/* ${X/p/r}, ${X//p/r} */
static int
lx_replace(struct lexer *lx, struct xres *r, const char *name, size_t nl)
{
	struct xres pat = XRES_INIT, rep = XRES_INIT;
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
	v = env_get(lx->env, name, nl);
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
		xr_depends(r, v);
	xr_merge_deps(r, &pat);
	xr_merge_deps(r, &rep);
	rc = 0;
done:
	free(t);
	xr_free(&pat);
	xr_free(&rep);
	return rc;
}

/* ${X-w} ${X:-w} ${X+w} ${X:+w} ${X?w} ${X:?w} ${X#w} ${X%w} ... */
static int
lx_modifier(struct lexer *lx, struct xres *r, const char *name, size_t nl,
    int colon, int mod)
{
	struct xres w = XRES_INIT;
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
	v = env_get(lx->env, name, nl);
	lx_touch(lx, r, v);
	switch (mod) {
	case '-':
		if (v != NULL && colon)
			xr_depends_empty(r, v);
		if (v == NULL || (colon && !v->maybe_empty &&
		    v->value[0] == '\0'))
			xr_merge(r, &w);
		else
			xr_var(r, v);
		break;
	case '+':
		if (v != NULL && colon)
			xr_depends_empty(r, v);
		if (v != NULL && !(colon && !v->maybe_empty &&
		    v->value[0] == '\0'))
			xr_merge(r, &w);
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
			xr_depends_empty(r, v);
		xr_var(r, v);
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
			xr_depends(r, v);
			r->maybe |= v->maybe_empty;
		}
		xr_merge_deps(r, &w);
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
	xr_free(&w);
	return rc;
}

/* processDollar */
static int
lx_dollar_in(struct lexer *lx, struct xres *r)
{
	const char *name;
	size_t nl;
	int c;

	lx->i++;
	if (lx_peek(lx) != '{') {
		lx_name(lx, &name, &nl);
		if (nl == 0)
			xr_text(r, "$", 1);
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
lx_dollar(struct lexer *lx, struct xres *r)
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
lx_stop_on(struct lexer *lx, int stop, int raw, struct xres *r)
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
				xr_text(r, &c, 1);
			if (lx->i >= lx->n)
				break;
			c = lx->s[lx->i++];
		}
		xr_text(r, &c, 1);
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
static int
expand(struct xres *r, const char *word, char esc, const struct df_env *env,
    int strict, char *msg, size_t msgsz)
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

/* ---- physical lines and directives (parser.go) ---------------------- */

/* One NAME[=value] of an ARG before the first FROM. */
struct df_arg {
	char *key;
	char *value;		/* the word after '=' as written, or NULL */
	int line;
};

/* One FROM. */
struct df_stage {
	char *base;		/* the image word as written */
	char *name;		/* lower-cased AS name, or NULL */
	char *platform;		/* --platform value as written, or NULL */
	int line;
	struct xres x;		/* base after expansion */
};

struct df_parser {
	const char *buf, *path;
	size_t len, pos;
	int lineno;		/* physical lines read so far */
	char esc;
	int dir_done;
	unsigned dir_seen;
	int ninstr;
	struct ovm_err *err;
	struct df_arg *args;
	size_t nargs;
	struct df_stage *stages;
	size_t nstages;
};

static const char hint_utf8[] =
    "save the file as UTF-8: BuildKit reads UTF-8 only and strips only "
    "a UTF-8 byte order mark";

static int
check_encoding(struct df_parser *p)
{
	const unsigned char *b = (const unsigned char *)p->buf;
	size_t i = 0, l;
	int line = 1;

	if (p->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
	    (b[0] == 0xFE && b[1] == 0xFF)))
		return fail_at(p->err, p->path, 1, hint_utf8, "not UTF-8: the "
		    "file starts with a UTF-16 byte order mark");
	while (i < p->len) {
		if (b[i] == '\0')
			return fail_at(p->err, p->path, line, hint_utf8,
			    "not UTF-8 text: NUL byte (UTF-16, or not a text "
			    "file)");
		l = u8_len(p->buf + i, p->len - i);
		if (l == 0)
			return fail_at(p->err, p->path, line, hint_utf8,
			    "not UTF-8: invalid byte 0x%02x", b[i]);
		if (b[i] == '\n')
			line++;
		i += l;
	}
	return 0;
}

/* The next physical line, without its LF; returns 0 at the end. */
static int
next_line(struct df_parser *p, const char **line, size_t *n)
{
	const char *s = p->buf + p->pos, *nl;
	size_t rest = p->len - p->pos;

	if (p->pos >= p->len)
		return 0;
	nl = memchr(s, '\n', rest);
	*line = s;
	*n = nl != NULL ? (size_t)(nl - s) : rest;
	p->pos += *n + (nl != NULL);
	p->lineno++;
	if (*n > LINE_MAX_BYTES)
		return fail_at(p->err, p->path, p->lineno, "BuildKit cannot "
		    "read such lines: split it with line continuations",
		    "line longer than %d bytes", LINE_MAX_BYTES);
	return 1;
}

/* trimNewline: every trailing CR and LF */
static size_t
trim_newline(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

/*
 * trimContinuationCharacter: the escape character, then only blanks, ends
 * a continued line, unless an escape character precedes it.  Drops both.
 */
static int
trim_continuation(const char *s, size_t *n, char esc)
{
	size_t e = *n;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e == 0 || s[e - 1] != esc || (e >= 2 && s[e - 2] == esc))
		return 0;
	*n = e - 1;
	return 1;
}

/*
 * DirectiveParser.ParseLine: "#" blank* key blank* "=" blank* value, keys
 * syntax/escape/check in any case, only while every line so far was one.
 */
static int
directive(struct df_parser *p, const char *s, size_t n)
{
	static const char *const keys[] = { "syntax", "escape", "check" };
	size_t i, k0, klen, v0, v1, j;

	if (p->dir_done)
		return 0;
	p->dir_done = 1;
	if (n == 0 || s[0] != '#')
		return 0;
	i = 1 + skip_space(s + 1, n - 1);
	k0 = i;
	if (i == n || !is_alpha((unsigned char)s[i]))
		return 0;
	while (i < n && (is_alpha((unsigned char)s[i]) ||
	    is_digit((unsigned char)s[i])))
		i++;
	klen = i - k0;
	while (i < n && is_re_space((unsigned char)s[i]))
		i++;
	if (i == n || s[i] != '=')
		return 0;
	v0 = ++i;
	while (v0 < n && is_re_space((unsigned char)s[v0]))
		v0++;
	if (v0 == n) {
		if (v0 == i)
			return 0;
		v0--;	/* (.+?) takes the last blank rather than fail */
	}
	v1 = n;
	while (v1 > v0 + 1 && is_re_space((unsigned char)s[v1 - 1]))
		v1--;
	for (j = 0; j < 3; j++)
		if (strlen(keys[j]) == klen &&
		    strncasecmp(s + k0, keys[j], klen) == 0)
			break;
	if (j == 3)
		return 0;
	if (p->dir_seen & (1u << j))
		return fail_at(p->err, p->path, p->lineno, "a parser directive "
		    "may appear once, in the comment block at the top",
		    "only one '%s' parser directive can be used", keys[j]);
	p->dir_seen |= 1u << j;
	p->dir_done = 0;
	if (j == 1) {
		if (v1 - v0 != 1 || (s[v0] != '\\' && s[v0] != '`'))
			return fail_at(p->err, p->path, p->lineno, "write "
			    "'# escape=\\' (the default) or '# escape=`'",
			    "invalid escape token '%.*s' does not match "
			    "` or \\",
			    (int)(v1 - v0), s + v0);
		p->esc = s[v0];
	}
	return 0;
}

/*
 * The next instruction: directives and comments skipped, continuation
 * lines joined (they keep their leading blanks; comment and blank lines
 * among them are dropped).  Allocates *text; returns 1, 0 at the end, or
 * an error.
 */
static int
read_instr(struct df_parser *p, char **text, int *line)
{
	struct ovm_buf b = OVM_BUF_INIT;
	const char *s;
	size_t n, lw;
	int rc, cont;

	*text = NULL;
	for (;;) {
		rc = next_line(p, &s, &n);
		if (rc <= 0)
			return rc;
		if (p->lineno == 1 && n >= 3 &&
		    memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		}
		n = trim_newline(s, n);
		lw = skip_space(s, n);
		s += lw;
		n -= lw;
		rc = directive(p, s, n);
		if (rc < 0)
			return rc;
		if (n > 0 && s[0] == '#')
			n = 0;
		cont = trim_continuation(s, &n, p->esc);
		if (cont || n > 0)
			break;
	}
	*line = p->lineno;
	rc = ovm_buf_add(&b, s, n);
	while (rc == 0 && cont) {
		rc = next_line(p, &s, &n);
		if (rc <= 0)
			break;
		n = trim_newline(s, n);
		lw = skip_space(s, n);
		rc = 0;
		if (lw == n || s[lw] == '#')
			continue;
		cont = trim_continuation(s, &n, p->esc);
		rc = ovm_buf_add(&b, s, n);
	}
	if (rc == OVM_EINPUT) {
		ovm_buf_free(&b);
		return rc;
	}
	*text = rc == 0 ? ovm_buf_detach(&b) : NULL;
	ovm_buf_free(&b);
	return *text != NULL ? 1 : oom(p->err);
}

/* ---- instructions (split_command.go, line_parsers.go, parse.go) ---- */

struct df_cmd {
	char *name;		/* as written */
	struct ovm_strv flags;	/* --name[=value], quotes removed */
	char *args;		/* after the flags, trimmed */
};

static void
cmd_free(struct df_cmd *c)
{
	free(c->name);
	ovm_strv_free(&c->flags);
	free(c->args);
	memset(c, 0, sizeof(*c));
}

static int
push_word(struct ovm_strv *sv, const struct ovm_buf *w)
{
	return push_n(sv, w->ptr != NULL ? w->ptr : "", w->len);
}

static int
word_is_dashes(const struct ovm_buf *w)
{
	return w->len == 2 && memcmp(w->ptr, "--", 2) == 0;
}

/*
 * extractBuilderFlags: the leading words that start with "--" (a bare "--"
 * ends them).  It tests blanks byte by byte, as BuildKit does.  Sets *rest
 * to the offset of what follows.
 */
static int
extract_flags(struct ovm_strv *flags, const char *s, size_t n, char esc,
    size_t *rest)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct ovm_buf w = OVM_BUF_INIT;
	int blank_ok = 0, rc = 0;
	char quote = 0, ch = 0;
	size_t pos;

	*rest = n;
	for (pos = 0; rc == 0 && pos <= n; pos++) {
		if (pos != n)
			ch = s[pos];
		if (phase == SPACES) {
			if (pos == n)
				break;
			if (is_byte_space((unsigned char)ch))
				continue;
			if (ch != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*rest = pos;
				break;
			}
			phase = WORD;
		}
		if (pos == n) {
			if (!word_is_dashes(&w) && (blank_ok || w.len > 0))
				rc = push_word(flags, &w);
			break;
		}
		if (phase == WORD && is_byte_space((unsigned char)ch)) {
			phase = SPACES;
			if (word_is_dashes(&w)) {
				*rest = pos;
				break;
			}
			if (blank_ok || w.len > 0)
				rc = push_word(flags, &w);
			w.len = 0;
			blank_ok = 0;
			continue;
		}
		if (phase == WORD && (ch == '\'' || ch == '"')) {
			quote = ch;
			blank_ok = 1;
			phase = QUOTE;
			continue;
		}
		if (phase == QUOTE && ch == quote) {
			phase = WORD;
			continue;
		}
		if (ch == esc) {
			if (pos + 1 == n) {
				phase = WORD;
				continue;
			}
			ch = s[++pos];
		}
		if (ovm_buf_add(&w, &ch, 1) < 0)
			rc = OVM_ENOMEM;
	}
	ovm_buf_free(&w);
	return rc;
}

/* splitCommand: name, flags and arguments of one instruction. */
static int
split_command(struct df_cmd *c, const char *line, char esc)
{
	size_t n = strlen(line), i = skip_space(line, n), j, rest, k;
	const char *s = line + i, *a;
	int rc;

	memset(c, 0, sizeof(*c));
	n = trim_space_end(s, n - i);
	for (j = 0; j < n && !is_blank((unsigned char)s[j]); j++)
		;
	c->name = dup_n(s, j);
	if (c->name == NULL)
		return OVM_ENOMEM;
	while (j < n && is_blank((unsigned char)s[j]))
		j++;
	rc = extract_flags(&c->flags, s + j, n - j, esc, &rest);
	if (rc < 0)
		return rc;
	a = s + j + rest;
	n -= j + rest;
	k = skip_space(a, n);
	n = trim_space_end(a + k, n - k);
	c->args = dup_n(a + k, n);
	return c->args != NULL ? 0 : OVM_ENOMEM;
}

/* parseWords: ARG's words; quotes and escapes are kept for the lexer. */
static int
parse_words(struct ovm_strv *words, const char *s, char esc)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct ovm_buf w = OVM_BUF_INIT;
	size_t n = strlen(s), pos = 0, l = 0, sp = 0;
	int blank_ok = 0, rc = 0;
	char quote = 0;

	while (rc == 0) {
		if (pos < n) {
			l = rune_len(s + pos, n - pos);
			sp = uspace(s + pos, n - pos);
		}
		if (phase == SPACES) {
			if (pos >= n)
				break;
			if (sp > 0) {
				pos += l;
				continue;
			}
			phase = WORD;
		}
		if (pos >= n) {
			if (blank_ok || w.len > 0)
				rc = push_word(words, &w);
			break;
		}
		if (phase == WORD && sp > 0) {
			phase = SPACES;
			if (blank_ok || w.len > 0)
				rc = push_word(words, &w);
			w.len = 0;
			blank_ok = 0;
			pos += l;
			continue;
		}
		if (phase == WORD && (s[pos] == '\'' || s[pos] == '"')) {
			quote = s[pos];
			blank_ok = 1;
			phase = QUOTE;
		} else if (phase == QUOTE && s[pos] == quote) {
			phase = WORD;
		} else if (s[pos] == esc && (phase == WORD || quote != '\'')) {
			if (pos + l == n) {
				phase = WORD;
				pos += l;
				continue;
			}
			rc = ovm_buf_add(&w, s + pos, l);
			pos += l;
			l = rune_len(s + pos, n - pos);
		}
		if (rc == 0)
			rc = ovm_buf_add(&w, s + pos, l);
		pos += l;
	}
	ovm_buf_free(&w);
	return rc < 0 ? OVM_ENOMEM : 0;
}

static int
instruction_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(instructions) / sizeof(instructions[0]); i++)
		if (strcasecmp(name, instructions[i]) == 0)
			return (int)i;
	return -1;
}

static int
is_instr(const char *name, const char *which)
{
	return strcasecmp(name, which) == 0;
}

/* validStageName: ^[a-z][a-z0-9-_.]*$ */
static int
stage_name_ok(const char *s)
{
	if (*s < 'a' || *s > 'z')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!(*s >= 'a' && *s <= 'z') && !is_digit((unsigned char)*s) &&
		    strchr("-_.", *s) == NULL)
			return 0;
	return 1;
}

static const char hint_from[] =
    "write 'FROM [--platform=<platform>] <image>:<tag> [AS <name>]' on one "
    "logical line; a '#' after an instruction is not a comment";

/* parseFrom, parseBuildStageName, BFlags.Parse */
static int
parse_from(struct df_parser *p, const struct df_cmd *c, int line)
{
	struct ovm_strv w = { NULL, 0 };
	struct df_stage *ns, *st;
	const char *a = c->args, *f, *eq, *platform = NULL;
	char *name = NULL, *q;
	size_t i, j, n = strlen(a);
	int rc = 0;

	for (i = 0; rc == 0 && i < n;) {
		for (j = i; j < n && !is_blank((unsigned char)a[j]); j++)
			;
		rc = push_n(&w, a + i, j - i);
		while (j < n && is_blank((unsigned char)a[j]))
			j++;
		i = j;
	}
	if (rc < 0)
		goto done;
	if (w.n == 3 && strcasecmp(w.v[1], "as") == 0) {
		name = strdup(w.v[2]);
		if (name == NULL) {
			rc = OVM_ENOMEM;
			goto done;
		}
		for (q = name; *q != '\0'; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		if (!stage_name_ok(name)) {
			rc = fail_at(p->err, p->path, line, "stage names match "
			    "[a-z][a-z0-9-_.]* and are not variable-expanded",
			    "invalid name for build stage: '%s', name can't "
			    "start with a number or contain symbols", w.v[2]);
			goto done;
		}
	} else if (w.n != 1) {
		rc = fail_at(p->err, p->path, line, hint_from, "FROM requires "
		    "either one or three arguments, not %zu", w.n);
		goto done;
	}
	for (i = 0; i < c->flags.n; i++) {
		f = c->flags.v[i];
		eq = strchr(f, '=');
		j = eq != NULL ? (size_t)(eq - f) : strlen(f);
		if (j != 10 || strncmp(f, "--platform", 10) != 0) {
			rc = fail_at(p->err, p->path, line, "FROM accepts only "
			    "--platform=<platform>", "unknown flag '%.*s'",
			    (int)j, f);
			goto done;
		}
		if (platform != NULL || eq == NULL) {
			rc = fail_at(p->err, p->path, line, "FROM accepts only "
			    "--platform=<platform>", platform != NULL ?
			    "duplicate flag '--platform'" :
			    "missing a value on flag '--platform'");
			goto done;
		}
		platform = eq + 1;
	}
	ns = realloc(p->stages, (p->nstages + 1) * sizeof(*ns));
	if (ns == NULL) {
		rc = OVM_ENOMEM;
		goto done;
	}
	p->stages = ns;
	st = &p->stages[p->nstages++];
	memset(st, 0, sizeof(*st));
	st->line = line;
	st->name = name;
	name = NULL;
	st->base = strdup(w.v[0]);
	st->platform = platform != NULL ? strdup(platform) : NULL;
	if (st->base == NULL || (platform != NULL && st->platform == NULL))
		rc = OVM_ENOMEM;
done:
	free(name);
	ovm_strv_free(&w);
	return rc == OVM_ENOMEM ? oom(p->err) : rc;
}

/* parseArg: "ARG A B=c" declares A (no value) and B. */
static int
parse_arg(struct df_parser *p, const struct df_cmd *c, int line)
{
	struct ovm_strv w = { NULL, 0 };
	struct df_arg *na, *arg;
	const char *eq;
	size_t i;
	int rc;

	rc = parse_words(&w, c->args, p->esc);
	if (rc == 0 && w.n == 0)
		rc = fail_at(p->err, p->path, line, "write 'ARG NAME' or "
		    "'ARG NAME=default'", "ARG requires at least one argument");
	for (i = 0; rc == 0 && i < w.n; i++) {
		eq = strchr(w.v[i], '=');
		if (eq == w.v[i]) {
			rc = fail_at(p->err, p->path, line, "write 'ARG NAME' "
			    "or 'ARG NAME=default'", "ARG names can not be "
			    "blank");
			break;
		}
		na = realloc(p->args, (p->nargs + 1) * sizeof(*na));
		if (na == NULL) {
			rc = OVM_ENOMEM;
			break;
		}
		p->args = na;
		arg = &p->args[p->nargs++];
		memset(arg, 0, sizeof(*arg));
		arg->line = line;
		arg->key = eq != NULL ? dup_n(w.v[i], (size_t)(eq - w.v[i])) :
		    strdup(w.v[i]);
		if (eq != NULL)
			arg->value = strdup(eq + 1);
		if (arg->key == NULL || (eq != NULL && arg->value == NULL))
			rc = OVM_ENOMEM;
	}
	ovm_strv_free(&w);
	return rc == OVM_ENOMEM ? oom(p->err) : rc;
}

/* ---- here-documents, only met after the first FROM ------------------ */

/* parseJSON: a JSON array of strings makes RUN/COPY/ADD exec-form. */
static int
is_json_form(const char *args)
{
	cJSON *j, *e;
	int ok;

	args += skip_space(args, strlen(args));
	if (*args != '[')
		return 0;
	j = cJSON_ParseWithOpts(args, NULL, 1);
	ok = cJSON_IsArray(j);
	cJSON_ArrayForEach(e, j)
		if (!cJSON_IsString(e))
			ok = 0;
	cJSON_Delete(j);
	return ok;
}

/*
 * heredocFromMatch: ^[0-9]*<<-?\s*WORD$ where WORD, once unquoted, is one
 * word.  Appends "-NAME" (leading tabs are stripped: <<-) or "+NAME".
 */
static int
heredoc_word(struct ovm_strv *docs, const char *w, size_t n)
{
	struct ovm_buf name = OVM_BUF_INIT;
	size_t i = 0;
	char chomp = '+', q;
	int rc = 0;

	while (i < n && is_digit((unsigned char)w[i]))
		i++;
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return 0;
	i += 2;
	if (i < n && w[i] == '-') {
		chomp = '-';
		i++;
	}
	while (i < n && is_re_space((unsigned char)w[i]))
		i++;
	if (i == n || memchr(w + i, '<', n - i) != NULL)
		return 0;
	rc = ovm_buf_add(&name, &chomp, 1);
	while (rc == 0 && i < n) {
		if (uspace(w + i, n - i) > 0) {
			name.len = 1;	/* two words: no here-document */
			break;
		}
		if (w[i] == '\'' || w[i] == '"') {
			for (q = w[i++]; rc == 0 && i < n && w[i] != q; i++) {
				if (q == '"' && w[i] == '\\' && i + 1 < n)
					i++;
				rc = ovm_buf_add(&name, w + i, 1);
			}
			i++;
			continue;
		}
		if (w[i] == '\\' && i + 1 < n)
			i++;
		rc = ovm_buf_add(&name, w + i++, 1);
	}
	if (rc == 0 && name.len > 1)
		rc = push_word(docs, &name);
	ovm_buf_free(&name);
	return rc;
}

/* heredocsFromLine: the line's words, quotes kept, "<< " kept whole. */
static int
heredoc_names(struct ovm_strv *docs, const char *line)
{
	size_t n = strlen(line), i = 0, start, j;
	int rc = 0;

	while (rc == 0 && i < n) {
		i += skip_space(line + i, n - i);
		start = i;
		while (i < n && uspace(line + i, n - i) == 0) {
			if (line[i] == '\'' || line[i] == '"') {
				for (j = i + 1; j < n && line[j] != line[i];
				    j++)
					if (line[i] == '"' && line[j] == '\\' &&
					    j + 1 < n)
						j++;
				i = j < n ? j + 1 : n;
			} else if (line[i] == '\\') {
				i = i + 2 < n ? i + 2 : n;
			} else if (line[i] == '<' && i + 1 < n &&
			    line[i + 1] == '<') {
				for (i += 2; i < n && (line[i] == ' ' ||
				    line[i] == '\t' || line[i] == '\r'); i++)
					;
			} else {
				i++;
			}
		}
		if (i > start)
			rc = heredoc_word(docs, line + start, i - start);
	}
	return rc;
}

/* Skips the bodies of the here-documents a RUN, COPY or ADD opens. */
static int
skip_heredocs(struct df_parser *p, const char *text, const struct df_cmd *c,
    int line)
{
	struct df_cmd sub;
	struct ovm_strv docs = { NULL, 0 };
	const char *args = c->args, *name = c->name, *s;
	size_t i, n, nl;
	int rc = 0;

	memset(&sub, 0, sizeof(sub));
	if (is_instr(name, "onbuild")) {
		rc = split_command(&sub, args, p->esc);
		name = sub.name;
		args = sub.args;
	}
	if (rc < 0 || name == NULL || (!is_instr(name, "run") &&
	    !is_instr(name, "copy") && !is_instr(name, "add")) ||
	    strstr(text, "<<") == NULL || is_json_form(args))
		goto done;
	rc = heredoc_names(&docs, text);
	for (i = 0; rc == 0 && i < docs.n; i++) {
		nl = strlen(docs.v[i] + 1);
		for (;;) {
			rc = next_line(p, &s, &n);
			if (rc < 0)
				goto done;
			if (rc == 0) {
				rc = fail_at(p->err, p->path, line, "end the "
				    "here-document with a line that is exactly "
				    "its delimiter", "unterminated heredoc "
				    "'%s'", docs.v[i] + 1);
				goto done;
			}
			n = trim_newline(s, n);
			while (docs.v[i][0] == '-' && n > 0 && *s == '\t') {
				s++;
				n--;
			}
			if (n == nl && memcmp(s, docs.v[i] + 1, n) == 0)
				break;
		}
		rc = 0;
	}
done:
	cmd_free(&sub);
	ovm_strv_free(&docs);
	return rc == OVM_ENOMEM ? oom(p->err) : rc;
}

/* ---- the file ------------------------------------------------------- */

static const char hint_instr[] =
    "instructions are ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, "
    "HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, STOPSIGNAL, USER, "
    "VOLUME and WORKDIR";

static const char hint_join[] =
    "a line continuation joins the next line without adding a blank: put a "
    "blank before the escape character ('FROM \\')";

/*
 * Parses instructions up to the first FROM, or to the end when all is set;
 * only ARG may come before the first FROM.
 */
static int
parse_file(struct df_parser *p, int all)
{
	struct df_cmd c;
	char *text = NULL;
	int rc, line = 0;

	memset(&c, 0, sizeof(c));
	for (;;) {
		rc = read_instr(p, &text, &line);
		if (rc <= 0)
			break;
		p->ninstr++;
		rc = split_command(&c, text, p->esc);
		if (rc < 0) {
			rc = oom(p->err);
		} else if (instruction_index(c.name) < 0) {
			rc = fail_at(p->err, p->path, line,
			    strncasecmp(c.name, "from", 4) == 0 ? hint_join :
			    hint_instr, "unknown instruction '%s'", c.name);
		} else if (is_instr(c.name, "from")) {
			rc = parse_from(p, &c, line);
		} else if (p->nstages == 0 && is_instr(c.name, "arg")) {
			rc = parse_arg(p, &c, line);
		} else if (p->nstages == 0) {
			rc = fail_at(p->err, p->path, line, "only ARG may come "
			    "before the first FROM", "no build stage in "
			    "current context: '%s' before the first FROM",
			    c.name);
		} else {
			rc = skip_heredocs(p, text, &c, line);
		}
		free(text);
		text = NULL;
		cmd_free(&c);
		if (rc < 0 || (!all && p->nstages > 0))
			break;
	}
	if (rc < 0)
		return rc;
	if (p->nstages == 0)
		return fail_at(p->err, p->path, p->lineno > 0 ? p->lineno : 1,
		    "add 'FROM <image>:<tag>' (after any ARGs it uses)",
		    p->ninstr == 0 ? "file with no instructions (no FROM)" :
		    "no FROM instruction");
	return 0;
}

static void
parser_free(struct df_parser *p)
{
	size_t i;

	for (i = 0; i < p->nargs; i++) {
		free(p->args[i].key);
		free(p->args[i].value);
	}
	for (i = 0; i < p->nstages; i++) {
		free(p->stages[i].base);
		free(p->stages[i].name);
		free(p->stages[i].platform);
		xr_free(&p->stages[i].x);
	}
	free(p->args);
	free(p->stages);
}

/* ---- evaluation (dockerfile2llb) ------------------------------------ */

static const char hint_expand[] =
    "fix the quotes or the ${...} expression; ovm-release reads ARG "
    "defaults only, as a build without --build-arg does";

/* buildMetaArgs: each default is expanded with the ARGs before it. */
static int
eval_meta_args(struct df_parser *p, struct df_env *env, int strict)
{
	struct xres r = XRES_INIT;
	char msg[512];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nargs; i++) {
		if (p->args[i].value == NULL)
			continue;	/* leaves the variable as it was */
		rc = expand(&r, p->args[i].value, p->esc, env, strict, msg,
		    sizeof(msg));
		if (rc == -1)
			rc = fail_at(p->err, p->path, p->args[i].line,
			    hint_expand, "ARG %s: cannot expand '%s': %s",
			    p->args[i].key, p->args[i].value, msg);
		else if (rc == 0 && env_set(env, p->args[i].key, &r) < 0)
			rc = OVM_ENOMEM;
		xr_free(&r);
	}
	return rc == OVM_ENOMEM ? oom(p->err) : rc;
}

static int
expand_stage(struct df_parser *p, const struct df_env *env,
    struct df_stage *st, int strict)
{
	char msg[512];
	int rc;

	rc = expand(&st->x, st->base, p->esc, env, strict, msg, sizeof(msg));
	if (rc == -1)
		return fail_at(p->err, p->path, st->line, hint_expand,
		    "cannot expand the FROM image '%s': %s", st->base, msg);
	return rc < 0 ? oom(p->err) : 0;
}

/* BuildKit's own checks of a FROM: a blank name, the --platform value. */
static int
check_stage(struct df_parser *p, const struct df_env *env,
    const struct df_stage *st)
{
	struct xres r = XRES_INIT;
	char msg[512];
	int rc = 0;

	if (st->x.out.len == 0)
		return fail_at(p->err, p->path, st->line, "the image name must "
		    "not be empty: give the ARGs it uses a default value",
		    "base name '%s' should not be blank", st->base);
	if (st->platform == NULL)
		return 0;
	rc = expand(&r, st->platform, p->esc, env, 0, msg, sizeof(msg));
	if (rc == -1)
		rc = fail_at(p->err, p->path, st->line, hint_expand,
		    "cannot expand --platform '%s': %s", st->platform, msg);
	else if (rc == 0 && r.out.len == 0 && !r.maybe && r.taint == NULL)
		rc = fail_at(p->err, p->path, st->line, "give the ARGs in "
		    "--platform a default value, or remove the flag",
		    "empty platform value from expression '%s'",
		    st->platform);
	xr_free(&r);
	return rc == OVM_ENOMEM ? oom(p->err) : rc;
}

static const struct df_arg *
find_arg(const struct df_parser *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nargs; i++)
		if (strcmp(p->args[i].key, key) == 0)
			return &p->args[i];
	return NULL;
}

/* SPEC 2.1 on top of BuildKit, then the reference grammar. */
static int
check_policy(struct df_parser *p, const struct df_env *env,
    const struct df_stage *st, unsigned flags, struct ovm_imageref *ref)
{
	struct ovm_err rerr = OVM_ERR_INIT;
	const char *img = st->x.out.ptr, *u = st->x.unset;
	int rc;

	if (st->x.taint != NULL)
		return fail_at(p->err, p->path, st->line, "a release version "
		    "cannot depend on the build platform: write the image and "
		    "tag without it", "the FROM image '%s' depends on '%s', "
		    "which the builder sets for each build", st->base,
		    st->x.taint);
	if ((flags & OVM_DF_STRICT) && u != NULL) {
		ovm_err_set_at(p->err, OVM_EINPUT, p->path, st->line,
		    "the FROM image '%s' uses '%s', %s (BuildKit would "
		    "silently make it empty)", st->base, u,
		    find_arg(p, u) != NULL ? "an ARG without a value" :
		    "which no ARG before the first FROM declares");
		return ovm_err_hint(p->err, "declare 'ARG %s=<value>' before "
		    "the first FROM, or write '${%s:-<value>}'", u, u);
	}
	rc = check_stage(p, env, st);
	if (rc < 0)
		return rc;
	if (strcmp(img, "scratch") == 0)
		return fail_at(p->err, p->path, st->line, "point the track at "
		    "a FROM that names an image with a tag (the track's "
		    "'stage' selects one)", "FROM scratch: the empty image has "
		    "no tag to release");
	rc = ovm_imageref_parse(ref, img, &rerr);
	if (rc == OVM_ENOMEM)
		return oom(p->err);
	if (rc < 0)
		return fail_at(p->err, p->path, st->line, "write "
		    "[host[:port]/]name[:tag][@sha256:<64 hex digits>], the "
		    "name in lower case", "invalid image reference '%s': %s",
		    img, rerr.msg);
	if (ref->tag == NULL && ref->digest != NULL) {
		fail_at(p->err, p->path, st->line, "", "image '%s' is pinned "
		    "by digest; no tag to release", img);
		return ovm_err_hint(p->err, "keep the pin and name the "
		    "version: '<image>:<tag>@%s'", ref->digest);
	}
	if (ref->tag == NULL) {
		fail_at(p->err, p->path, st->line, "", "image '%s' has no tag",
		    img);
		return ovm_err_hint(p->err, "add the version tag, e.g. "
		    "'%s:1.2.3' (without one the builder pulls ':latest')",
		    img);
	}
	return 0;
}

/*
 * The FROM that declares AS <stage> (the last one, as --target picks),
 * followed through "FROM <earlier stage>" to the FROM naming an image.
 * Every FROM is expanded first: BuildKit fails on any of them.
 */
static int
select_stage(struct df_parser *p, const struct df_env *env,
    const char *stage, unsigned flags, size_t *out)
{
	struct ovm_buf names = OVM_BUF_INIT;
	const struct df_stage *st;
	size_t i, j, idx = SIZE_MAX;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nstages; i++)
		rc = expand_stage(p, env, &p->stages[i], flags & OVM_DF_STRICT);
	if (rc < 0)
		return rc;
	for (i = 0; i < p->nstages; i++)
		if (p->stages[i].name != NULL &&
		    strcasecmp(p->stages[i].name, stage) == 0)
			idx = i;
	if (idx == SIZE_MAX) {
		for (i = 0; rc == 0 && i < p->nstages; i++)
			if (p->stages[i].name != NULL)
				rc = ovm_buf_printf(&names, "%s'%s'",
				    names.len > 0 ? ", " : "",
				    p->stages[i].name);
		if (rc < 0) {
			ovm_buf_free(&names);
			return oom(p->err);
		}
		ovm_err_set_at(p->err, OVM_EINPUT, p->path, p->lineno,
		    "no FROM declares the stage '%s'", stage);
		if (names.len > 0)
			ovm_err_hint(p->err, "the stages are %s", names.ptr);
		else
			ovm_err_hint(p->err, "name a stage with 'FROM <image> "
			    "AS <stage>', or leave out the track's 'stage'");
		ovm_buf_free(&names);
		return OVM_EINPUT;
	}
	for (;;) {
		st = &p->stages[idx];
		if (st->x.taint != NULL ||
		    ((flags & OVM_DF_STRICT) && st->x.unset != NULL))
			break;
		for (j = idx; j-- > 0;)
			if (p->stages[j].name != NULL &&
			    strcmp(p->stages[j].name, st->x.out.ptr) == 0)
				break;
		if (j == SIZE_MAX)
			break;
		idx = j;
	}
	for (i = 0; rc == 0 && i < p->nstages; i++)
		if (i != idx)
			rc = check_stage(p, env, &p->stages[i]);
	*out = idx;
	return rc;
}

int
ovm_dockerfile_from(struct ovm_dockerfile_from *out, const char *buf,
    size_t len, const char *path, const char *stage, unsigned flags,
    struct ovm_err *err)
{
	struct df_parser p;
	struct df_env env = { NULL, 0 };
	const struct df_stage *st;
	const char *t;
	size_t idx = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.len = len;
	p.path = path;
	p.esc = '\\';
	p.err = err;
	rc = check_encoding(&p);
	if (rc < 0)
		goto done;
	rc = parse_file(&p, stage != NULL);
	if (rc < 0)
		goto done;
	if (env_init(&env) < 0) {
		rc = oom(err);
		goto done;
	}
	rc = eval_meta_args(&p, &env, flags & OVM_DF_STRICT);
	if (rc < 0)
		goto done;
	if (stage != NULL)
		rc = select_stage(&p, &env, stage, flags, &idx);
	else
		rc = expand_stage(&p, &env, &p.stages[0],
		    flags & OVM_DF_STRICT);
	if (rc < 0)
		goto done;
	st = &p.stages[idx];
	rc = check_policy(&p, &env, st, flags, &out->ref);
	if (rc < 0)
		goto done;

	t = out->ref.tag;
	out->line = st->line;
	out->image_ref = strdup(st->x.out.ptr);
	out->tag = strdup(t);
	out->version = strdup(t[0] == 'v' && is_digit((unsigned char)t[1]) ?
	    t + 1 : t);
	out->digest = ovm_strdup(out->ref.digest);
	out->stage = ovm_strdup(st->name);
	if (out->image_ref == NULL || out->tag == NULL ||
	    out->version == NULL || (out->ref.digest != NULL &&
	    out->digest == NULL) || (st->name != NULL && out->stage == NULL))
		rc = oom(err);
done:
	parser_free(&p);
	env_free(&env);
	if (rc < 0)
		ovm_dockerfile_from_free(out);
	return rc;
}

void
ovm_dockerfile_from_free(struct ovm_dockerfile_from *f)
{
	if (f == NULL)
		return;
	free(f->image_ref);
	free(f->tag);
	free(f->digest);
	free(f->version);
	free(f->stage);
	ovm_imageref_free(&f->ref);
	memset(f, 0, sizeof(*f));
}
