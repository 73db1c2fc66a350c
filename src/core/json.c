/*
 * Strict JSON scanner.  cJSON accepts things RFC 8259 does not and reports
 * no line, so every input goes through scan_value() first; the same scanner
 * walks the token view (ovm_json_iter) used for byte-preserving rewrites.
 * The scanner is iterative with a fixed stack, so hostile nesting costs
 * neither recursion nor allocation.  String tokens, UTF-8 and JSON
 * pointers are in jsonstr.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/json_int.h"

#define BOM "\xEF\xBB\xBF"
#define BOM_LEN 3

struct scan {
	const char *buf;
	size_t len;
	size_t pos;
	size_t err_pos;
	char msg[256];
	const char *hint;
};

enum { ST_VALUE, ST_MEMBER, ST_AFTER };

static size_t
bom_len(const char *buf, size_t len)
{
	return len >= BOM_LEN && memcmp(buf, BOM, BOM_LEN) == 0 ? BOM_LEN : 0;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
fail(struct scan *s, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct scan *s, size_t pos, const char *fmt, ...)
{
	va_list ap;

	s->err_pos = pos;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* What sits at pos, for "expected X, found Y". */
static void
describe(const struct scan *s, size_t pos, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s->buf + pos;
	size_t avail = s->len - pos, n;
	uint32_t cp;

	if (pos >= s->len) {
		snprintf(out, size, "end of input");
		return;
	}
	if ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) {
		/* A word reads better than its first letter: 'NaN', 'tru'. */
		for (n = 0; n < avail && n < 20; n++) {
			int c = p[n];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    is_digit(c) || c == '_'))
				break;
		}
		snprintf(out, size, "'%.*s'", (int)n, (const char *)p);
		return;
	}
	if (p[0] > 0x20 && p[0] < 0x7F) {
		snprintf(out, size, "'%c'", p[0]);
		return;
	}
	n = ovm_json_utf8_seq(p, avail, &cp);
	if (n == 0)
		snprintf(out, size, "byte 0x%02X (not UTF-8)", p[0]);
	else
		snprintf(out, size, "U+%04X", (unsigned)cp);
}

static int
unexpected(struct scan *s, const char *expected)
{
	char what[64];
	size_t pos = s->pos;
	const char *p = s->buf + pos;

	if (pos < s->len && *p == '/' && pos + 1 < s->len &&
	    (p[1] == '/' || p[1] == '*')) {
		s->hint = "JSON has no comments: remove it";
		return fail(s, pos, "comments are not allowed");
	}
	if (s->len - pos >= BOM_LEN && memcmp(p, BOM, BOM_LEN) == 0) {
		s->hint = "save the file as UTF-8 with at most one byte-order "
		    "mark";
		return fail(s, pos, "unexpected byte-order mark (U+FEFF)");
	}
	if (pos < s->len && *p == '\'')
		return fail(s, pos, "expected %s, found a single quote (JSON "
		    "strings use double quotes)", expected);
	describe(s, pos, what, sizeof(what));
	return fail(s, pos, "expected %s, found %s", expected, what);
}

static void
skip_ws(struct scan *s)
{
	while (s->pos < s->len) {
		char c = s->buf[s->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		s->pos++;
	}
}

static int
peek(const struct scan *s)
{
	return s->pos < s->len ? (unsigned char)s->buf[s->pos] : -1;
}

/* The string token at s->pos (an opening quote); leaves pos after it. */
static int
scan_string(struct scan *s)
{
	size_t start = s->pos, n;
	const char *b = s->buf;
	long u, lo;
	uint32_t cp;
	unsigned char c;

	s->pos++;
	for (;;) {
		if (s->pos >= s->len)
			return fail(s, start, "unterminated string");
		c = (unsigned char)b[s->pos];
		if (c == '"') {
			s->pos++;
			return 0;
		}
		if (c == '\n' || c == '\r')
			return fail(s, s->pos, "line break inside a string "
			    "(unterminated string?)");
		if (c < 0x20)
			return fail(s, s->pos, "control character U+%04X "
			    "inside a string (write it as an escape)", c);
		if (c >= 0x80) {
			n = ovm_json_utf8_seq((const unsigned char *)b + s->pos,
			    s->len - s->pos, &cp);
			if (n == 0)
				return fail(s, s->pos, "byte 0x%02X is not "
				    "UTF-8", c);
			s->pos += n;
			continue;
		}
		if (c != '\\') {
			s->pos++;
			continue;
		}
		if (s->pos + 1 >= s->len)
			return fail(s, start, "unterminated string");
		switch (b[s->pos + 1]) {
		case '"': case '\\': case '/': case 'b':
		case 'f': case 'n': case 'r': case 't':
			s->pos += 2;
			continue;
		case 'u':
			break;
		default: {
			char what[64];

			describe(s, s->pos + 1, what, sizeof(what));
			return fail(s, s->pos, "invalid escape: '\\' followed "
			    "by %s", what);
		}
		}
		u = ovm_json_hex4(b + s->pos + 2, s->len - s->pos - 2);
		if (u < 0)
			return fail(s, s->pos, "invalid \\u escape (needs four "
			    "hex digits)");
		if (u >= 0xDC00 && u <= 0xDFFF)
			return fail(s, s->pos, "lone low surrogate \\u%04lX "
			    "(not a character)", u);
		if (u >= 0xD800 && u <= 0xDBFF) {
			lo = -1;
			if (s->len - s->pos >= 12 && b[s->pos + 6] == '\\' &&
			    b[s->pos + 7] == 'u')
				lo = ovm_json_hex4(b + s->pos + 8,
				    s->len - s->pos - 8);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return fail(s, s->pos, "lone high surrogate "
				    "\\u%04lX (must be followed by a low "
				    "surrogate \\uDC00-\\uDFFF)", u);
			s->pos += 6;
		}
		s->pos += 6;
	}
}

static int
scan_number(struct scan *s)
{
	size_t start = s->pos;
	char what[64];

	if (peek(s) == '-')
		s->pos++;
	if (!is_digit(peek(s))) {
		describe(s, s->pos, what, sizeof(what));
		return fail(s, s->pos, "expected a digit after '-', found %s",
		    what);
	}
	if (peek(s) == '0') {
		s->pos++;
		if (is_digit(peek(s)))
			return fail(s, start, "numbers cannot have leading "
			    "zeros");
	} else {
		while (is_digit(peek(s)))
			s->pos++;
	}
	if (peek(s) == '.') {
		s->pos++;
		if (!is_digit(peek(s))) {
			describe(s, s->pos, what, sizeof(what));
			return fail(s, s->pos, "expected a digit after '.', "
			    "found %s", what);
		}
		while (is_digit(peek(s)))
			s->pos++;
	}
	if (peek(s) == 'e' || peek(s) == 'E') {
		s->pos++;
		if (peek(s) == '+' || peek(s) == '-')
			s->pos++;
		if (!is_digit(peek(s))) {
			describe(s, s->pos, what, sizeof(what));
			return fail(s, s->pos, "expected a digit in the "
			    "exponent, found %s", what);
		}
		while (is_digit(peek(s)))
			s->pos++;
	}
	if (s->pos - start > OVM_JSON_MAX_NUMBER)
		return fail(s, start, "number longer than %d characters",
		    OVM_JSON_MAX_NUMBER);
	return 0;
}

static int
scan_literal(struct scan *s)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (s->len - s->pos >= n &&
		    memcmp(s->buf + s->pos, words[i], n) == 0) {
			s->pos += n;
			return 0;
		}
	}
	return unexpected(s, "a value");
}

/*
 * One value at s->pos (whitespace before it skipped); leaves pos just after
 * its last byte.  Iterative: stack[] remembers the open containers.
 */
static int
scan_value(struct scan *s)
{
	unsigned char stack[OVM_JSON_MAX_DEPTH];
	int depth = 0, state = ST_VALUE, after_comma = 0, c, r;
	unsigned char top;

	for (;;) {
		if (state == ST_AFTER) {
			if (depth == 0)
				return 0;
			top = stack[depth - 1];
			skip_ws(s);
			c = peek(s);
			if (c == ',') {
				s->pos++;
				after_comma = 1;
				state = top == '{' ? ST_MEMBER : ST_VALUE;
				continue;
			}
			if (c == (top == '{' ? '}' : ']')) {
				s->pos++;
				depth--;
				continue;
			}
			return unexpected(s, top == '{' ? "',' or '}'" :
			    "',' or ']'");
		}
		skip_ws(s);
		c = peek(s);
		if (state == ST_MEMBER) {
			if (c == '}' && after_comma) {
				s->hint = "remove the comma before it";
				return fail(s, s->pos, "trailing comma before "
				    "'}'");
			}
			if (c != '"')
				return unexpected(s, "a member name in double "
				    "quotes");
			if (scan_string(s) < 0)
				return -1;
			skip_ws(s);
			if (peek(s) != ':')
				return unexpected(s, "':' after the member "
				    "name");
			s->pos++;
			state = ST_VALUE;
			after_comma = 0;
			continue;
		}
		/* ST_VALUE */
		if (c == '{' || c == '[') {
			if (depth == OVM_JSON_MAX_DEPTH)
				return fail(s, s->pos, "nested deeper than %d "
				    "levels", OVM_JSON_MAX_DEPTH);
			stack[depth++] = (unsigned char)c;
			s->pos++;
			skip_ws(s);
			if (peek(s) == (c == '{' ? '}' : ']')) {
				s->pos++;
				depth--;
				state = ST_AFTER;
				continue;
			}
			state = c == '{' ? ST_MEMBER : ST_VALUE;
			after_comma = 0;
			continue;
		}
		if (c == ']' && after_comma) {
			s->hint = "remove the comma before it";
			return fail(s, s->pos, "trailing comma before ']'");
		}
		if (c == '"')
			r = scan_string(s);
		else if (c == '-' || is_digit(c))
			r = scan_number(s);
		else
			r = scan_literal(s);
		if (r < 0)
			return r;
		state = ST_AFTER;
	}
}

static enum ovm_json_type
type_at(const char *buf, size_t off)
{
	switch (buf[off]) {
	case '{':
		return OVM_JSON_OBJECT;
	case '[':
		return OVM_JSON_ARRAY;
	case '"':
		return OVM_JSON_STRING;
	case 't':
		return OVM_JSON_TRUE;
	case 'f':
		return OVM_JSON_FALSE;
	case 'n':
		return OVM_JSON_NULL;
	default:
		return OVM_JSON_NUMBER;
	}
}

/* The whole buffer: one value between optional whitespace, one BOM. */
static int
scan_document(struct scan *s, struct ovm_json_tok *root)
{
	s->pos = bom_len(s->buf, s->len);
	skip_ws(s);
	if (s->pos >= s->len)
		return fail(s, s->pos, s->len == bom_len(s->buf, s->len) ?
		    "empty input" : "no value, only whitespace");
	if (root != NULL) {
		memset(root, 0, sizeof(*root));
		root->off = s->pos;
		root->type = type_at(s->buf, s->pos);
	}
	if (scan_value(s) < 0)
		return -1;
	if (root != NULL)
		root->len = s->pos - root->off;
	skip_ws(s);
	if (s->pos < s->len)
		return unexpected(s, "end of input after the value");
	return 0;
}

void
ovm_json_line_col(int *line_out, int *col_out, const char *buf, size_t len,
    size_t off)
{
	size_t i, start = bom_len(buf, len);
	int line = 1, col = 1;

	if (off > len)
		off = len;
	for (i = start; i < off; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	if (line_out != NULL)
		*line_out = line;
	if (col_out != NULL)
		*col_out = col;
}

static int
set_error(struct ovm_err *err, const char *path, const struct scan *s)
{
	int line, col;

	ovm_json_line_col(&line, &col, s->buf, s->len, s->err_pos);
	ovm_err_set_at(err, OVM_EINPUT, path, line, "invalid JSON: %s",
	    s->msg);
	if (err == NULL)
		return OVM_EINPUT;
	err->column = col;
	if (path != NULL)
		snprintf(err->msg, sizeof(err->msg), "%s:%d:%d: invalid JSON: "
		    "%s", path, line, col, s->msg);
	else
		snprintf(err->msg, sizeof(err->msg), "line %d, column %d: "
		    "invalid JSON: %s", line, col, s->msg);
	if (s->hint != NULL)
		ovm_err_hint(err, "%s", s->hint);
	return OVM_EINPUT;
}

int
ovm_json_validate(const char *buf, size_t len, const char *path,
    struct ovm_err *err)
{
	struct scan s = { buf, len, 0, 0, "", NULL };

	if (buf == NULL && len > 0)
		return ovm_err_set(err, OVM_EINPUT, "no input");
	if (buf == NULL)
		s.buf = "";
	if (scan_document(&s, NULL) < 0)
		return set_error(err, path, &s);
	return 0;
}

int
ovm_json_parse(cJSON **out, const char *buf, size_t len, const char *path,
    struct ovm_err *err)
{
	size_t skip;
	int r;

	*out = NULL;
	r = ovm_json_validate(buf, len, path, err);
	if (r < 0)
		return r;
	/*
	 * cJSON would skip the BOM itself; doing it here keeps the rule in
	 * one place.  After validation the only failure left is memory.
	 */
	skip = bom_len(buf, len);
	*out = cJSON_ParseWithLength(buf + skip, len - skip);
	if (*out == NULL)
		return ovm_err_set_at(err, OVM_ENOMEM, path, 0,
		    "out of memory parsing JSON");
	return 0;
}

int
ovm_json_root(struct ovm_json_tok *out, const char *buf, size_t len)
{
	struct scan s = { buf, len, 0, 0, "", NULL };

	if (buf == NULL)
		return OVM_EINPUT;
	if (scan_document(&s, out) < 0)
		return OVM_EINPUT;
	return 0;
}

int
ovm_json_iter_init(struct ovm_json_iter *out, const char *buf, size_t len,
    const struct ovm_json_tok *container)
{
	memset(out, 0, sizeof(*out));
	if (container->type != OVM_JSON_OBJECT &&
	    container->type != OVM_JSON_ARRAY)
		return OVM_EINPUT;
	if (container->off >= len)
		return OVM_EINPUT;
	out->buf = buf;
	out->len = len;
	out->pos = container->off + 1;
	out->type = container->type;
	return 0;
}

int
ovm_json_iter_next(struct ovm_json_tok *out, struct ovm_json_iter *it)
{
	struct scan s = { it->buf, it->len, it->pos, 0, "", NULL };
	int closer = it->type == OVM_JSON_OBJECT ? '}' : ']';

	memset(out, 0, sizeof(*out));
	if (it->done)
		return 0;
	skip_ws(&s);
	if (peek(&s) == closer) {
		it->done = 1;
		it->pos = s.pos + 1;
		return 0;
	}
	if (it->started) {
		if (peek(&s) != ',')
			return OVM_EINPUT;
		s.pos++;
		skip_ws(&s);
	}
	it->started = 1;
	if (it->type == OVM_JSON_OBJECT) {
		if (peek(&s) != '"')
			return OVM_EINPUT;
		out->key_off = s.pos;
		if (scan_string(&s) < 0)
			return OVM_EINPUT;
		out->key_len = s.pos - out->key_off;
		skip_ws(&s);
		if (peek(&s) != ':')
			return OVM_EINPUT;
		s.pos++;
		skip_ws(&s);
	}
	if (s.pos >= s.len)
		return OVM_EINPUT;
	out->off = s.pos;
	out->type = type_at(s.buf, s.pos);
	if (scan_value(&s) < 0)
		return OVM_EINPUT;
	out->len = s.pos - out->off;
	it->pos = s.pos;
	return 1;
}

/* Whether s[0..len) is exactly one string token, by the scanner's rule. */
int
ovm_json_string_token_ok(const char *s, size_t len)
{
	struct scan sc = { s, len, 0, 0, "", NULL };

	return len >= 2 && s[0] == '"' && scan_string(&sc) == 0 &&
	    sc.pos == len;
}

const char *
ovm_json_type_name(enum ovm_json_type type)
{
	switch (type) {
	case OVM_JSON_NULL:
		return "null";
	case OVM_JSON_FALSE:
	case OVM_JSON_TRUE:
		return "a boolean";
	case OVM_JSON_NUMBER:
		return "a number";
	case OVM_JSON_STRING:
		return "a string";
	case OVM_JSON_ARRAY:
		return "an array";
	case OVM_JSON_OBJECT:
		return "an object";
	}
	return "a value";
}
