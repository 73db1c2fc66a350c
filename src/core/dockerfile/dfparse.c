/*
 * The Dockerfile as lines and instructions, as BuildKit's parser/parser.go
 * and instructions/parse.go read it: encoding, physical lines, parser
 * directives, continuations, the ARGs and FROMs, here-document bodies.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dockerfile/dfinstr.h"
#include "core/dockerfile/dfparse.h"
#include "core/dockerfile/dftext.h"
#include "util/util.h"

#define LINE_MAX_BYTES 65535	/* bufio.Scanner's token limit, less LF */

int
df_fail_at(struct ovm_err *err, const char *path, int line, const char *hint,
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

int
df_oom(struct ovm_err *err)
{
	return ovm_err_nomem(err);
}

/* ---- physical lines and directives (parser.go) ---------------------- */

static const char hint_utf8[] =
    "save the file as UTF-8: BuildKit reads UTF-8 only and strips only "
    "a UTF-8 byte order mark";

int
df_check_encoding(struct df_parser *p)
{
	const unsigned char *b = (const unsigned char *)p->buf;
	size_t i = 0, l;
	int line = 1;

	if (p->len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
	    (b[0] == 0xFE && b[1] == 0xFF)))
		return df_fail_at(p->err, p->path, 1, hint_utf8, "not UTF-8: "
		    "the file starts with a UTF-16 byte order mark");
	while (i < p->len) {
		if (b[i] == '\0')
			return df_fail_at(p->err, p->path, line, hint_utf8,
			    "not UTF-8 text: NUL byte (UTF-16, or not a text "
			    "file)");
		l = df_u8_len(p->buf + i, p->len - i);
		if (l == 0)
			return df_fail_at(p->err, p->path, line, hint_utf8,
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
		return df_fail_at(p->err, p->path, p->lineno, "BuildKit cannot "
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
	i = 1 + df_skip_space(s + 1, n - 1);
	k0 = i;
	if (i == n || !df_is_alpha((unsigned char)s[i]))
		return 0;
	while (i < n && (df_is_alpha((unsigned char)s[i]) ||
	    df_is_digit((unsigned char)s[i])))
		i++;
	klen = i - k0;
	while (i < n && df_is_re_space((unsigned char)s[i]))
		i++;
	if (i == n || s[i] != '=')
		return 0;
	v0 = ++i;
	while (v0 < n && df_is_re_space((unsigned char)s[v0]))
		v0++;
	if (v0 == n) {
		if (v0 == i)
			return 0;
		v0--;	/* (.+?) takes the last blank rather than fail */
	}
	v1 = n;
	while (v1 > v0 + 1 && df_is_re_space((unsigned char)s[v1 - 1]))
		v1--;
	for (j = 0; j < 3; j++)
		if (strlen(keys[j]) == klen &&
		    strncasecmp(s + k0, keys[j], klen) == 0)
			break;
	if (j == 3)
		return 0;
	if (p->dir_seen & (1u << j))
		return df_fail_at(p->err, p->path, p->lineno, "a parser "
		    "directive may appear once, in the comment block at the "
		    "top", "only one '%s' parser directive can be used",
		    keys[j]);
	p->dir_seen |= 1u << j;
	p->dir_done = 0;
	if (j == 1) {
		if (v1 - v0 != 1 || (s[v0] != '\\' && s[v0] != '`'))
			return df_fail_at(p->err, p->path, p->lineno, "write "
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
		lw = df_skip_space(s, n);
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
		lw = df_skip_space(s, n);
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
	return *text != NULL ? 1 : df_oom(p->err);
}

/* ---- ARG and FROM (line_parsers.go, instructions/parse.go) ---------- */

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
		for (j = i; j < n && !df_is_blank((unsigned char)a[j]); j++)
			;
		rc = df_push_n(&w, a + i, j - i);
		while (j < n && df_is_blank((unsigned char)a[j]))
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
		if (!df_stage_name_ok(name)) {
			rc = df_fail_at(p->err, p->path, line, "stage names "
			    "match [a-z][a-z0-9-_.]* and are not "
			    "variable-expanded",
			    "invalid name for build stage: '%s', name can't "
			    "start with a number or contain symbols", w.v[2]);
			goto done;
		}
	} else if (w.n != 1) {
		rc = df_fail_at(p->err, p->path, line, hint_from, "FROM "
		    "requires either one or three arguments, not %zu", w.n);
		goto done;
	}
	for (i = 0; i < c->flags.n; i++) {
		f = c->flags.v[i];
		eq = strchr(f, '=');
		j = eq != NULL ? (size_t)(eq - f) : strlen(f);
		if (j != 10 || strncmp(f, "--platform", 10) != 0) {
			rc = df_fail_at(p->err, p->path, line, "FROM accepts "
			    "only --platform=<platform>", "unknown flag '%.*s'",
			    (int)j, f);
			goto done;
		}
		if (platform != NULL || eq == NULL) {
			rc = df_fail_at(p->err, p->path, line, "FROM accepts "
			    "only --platform=<platform>", platform != NULL ?
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
	return rc == OVM_ENOMEM ? df_oom(p->err) : rc;
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

	rc = df_parse_words(&w, c->args, p->esc);
	if (rc == 0 && w.n == 0)
		rc = df_fail_at(p->err, p->path, line, "write 'ARG NAME' or "
		    "'ARG NAME=default'", "ARG requires at least one argument");
	for (i = 0; rc == 0 && i < w.n; i++) {
		eq = strchr(w.v[i], '=');
		if (eq == w.v[i]) {
			rc = df_fail_at(p->err, p->path, line, "write "
			    "'ARG NAME' or 'ARG NAME=default'", "ARG names can "
			    "not be blank");
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
		arg->key = eq != NULL ?
		    df_dup_n(w.v[i], (size_t)(eq - w.v[i])) : strdup(w.v[i]);
		if (eq != NULL)
			arg->value = strdup(eq + 1);
		if (arg->key == NULL || (eq != NULL && arg->value == NULL))
			rc = OVM_ENOMEM;
	}
	ovm_strv_free(&w);
	return rc == OVM_ENOMEM ? df_oom(p->err) : rc;
}

/* ---- here-documents, only met after the first FROM ------------------ */

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
	if (df_is_instr(name, "onbuild")) {
		rc = df_split_command(&sub, args, p->esc);
		name = sub.name;
		args = sub.args;
	}
	if (rc < 0 || name == NULL || (!df_is_instr(name, "run") &&
	    !df_is_instr(name, "copy") && !df_is_instr(name, "add")) ||
	    strstr(text, "<<") == NULL || df_is_json_form(args))
		goto done;
	rc = df_heredoc_names(&docs, text);
	for (i = 0; rc == 0 && i < docs.n; i++) {
		nl = strlen(docs.v[i] + 1);
		for (;;) {
			rc = next_line(p, &s, &n);
			if (rc < 0)
				goto done;
			if (rc == 0) {
				rc = df_fail_at(p->err, p->path, line, "end "
				    "the here-document with a line that is "
				    "exactly its delimiter", "unterminated "
				    "heredoc '%s'", docs.v[i] + 1);
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
	df_cmd_free(&sub);
	ovm_strv_free(&docs);
	return rc == OVM_ENOMEM ? df_oom(p->err) : rc;
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
int
df_parse_file(struct df_parser *p, int all)
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
		rc = df_split_command(&c, text, p->esc);
		if (rc < 0) {
			rc = df_oom(p->err);
		} else if (df_instruction_index(c.name) < 0) {
			rc = df_fail_at(p->err, p->path, line,
			    strncasecmp(c.name, "from", 4) == 0 ? hint_join :
			    hint_instr, "unknown instruction '%s'", c.name);
		} else if (df_is_instr(c.name, "from")) {
			rc = parse_from(p, &c, line);
		} else if (p->nstages == 0 && df_is_instr(c.name, "arg")) {
			rc = parse_arg(p, &c, line);
		} else if (p->nstages == 0) {
			rc = df_fail_at(p->err, p->path, line, "only ARG may "
			    "come before the first FROM", "no build stage in "
			    "current context: '%s' before the first FROM",
			    c.name);
		} else {
			rc = skip_heredocs(p, text, &c, line);
		}
		free(text);
		text = NULL;
		df_cmd_free(&c);
		if (rc < 0 || (!all && p->nstages > 0))
			break;
	}
	if (rc < 0)
		return rc;
	if (p->nstages == 0)
		return df_fail_at(p->err, p->path,
		    p->lineno > 0 ? p->lineno : 1,
		    "add 'FROM <image>:<tag>' (after any ARGs it uses)",
		    p->ninstr == 0 ? "file with no instructions (no FROM)" :
		    "no FROM instruction");
	return 0;
}

void
df_parser_free(struct df_parser *p)
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
		df_xr_free(&p->stages[i].x);
	}
	free(p->args);
	free(p->stages);
}
