/*
 * Strict JSON scanner.  cJSON accepts things RFC 8259 does not and reports
 * no line, so every input goes through scan_value() first; the same scanner
 * walks the token view (ovm_json_iter) used for byte-preserving rewrites.
 * The scanner is iterative with a fixed stack, so hostile nesting costs
 * neither recursion nor allocation.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovm/json.h"

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
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at p (avail bytes there) as a code unit, or -1. */
static long
hex4(const char *p, size_t avail)
{
	long v = 0;
	int i, h;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		h = hex_val((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Length of the valid UTF-8 sequence at p (1-4), or 0: overlong forms,
 * UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
 */
static size_t
utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp_out)
{
	uint32_t cp;
	size_t n, i;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80) {
		n = 1;
		cp = p[0];
	} else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
		return 0;
	*cp_out = cp;
	return n;
}

int
ovm_json_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_seq((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
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
	n = utf8_seq(p, avail, &cp);
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
			n = utf8_seq((const unsigned char *)b + s->pos,
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
		u = hex4(b + s->pos + 2, s->len - s->pos - 2);
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
				lo = hex4(b + s->pos + 8, s->len - s->pos - 8);
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

/*
 * One character of a validated string body at p: its UTF-8 bytes go to b
 * (*n of them, at most 4); returns the input bytes consumed, 0 if invalid.
 * Raw bytes are passed one at a time: they are UTF-8 already.
 */
static size_t
decode_char(const char *p, const char *end, char b[4], size_t *n)
{
	long u, lo;
	uint32_t cp;

	if (*p != '\\') {
		b[0] = *p;
		*n = 1;
		return 1;
	}
	if (end - p < 2)
		return 0;
	*n = 1;
	switch (p[1]) {
	case '"': b[0] = '"'; return 2;
	case '\\': b[0] = '\\'; return 2;
	case '/': b[0] = '/'; return 2;
	case 'b': b[0] = '\b'; return 2;
	case 'f': b[0] = '\f'; return 2;
	case 'n': b[0] = '\n'; return 2;
	case 'r': b[0] = '\r'; return 2;
	case 't': b[0] = '\t'; return 2;
	case 'u': break;
	default: return 0;
	}
	u = hex4(p + 2, (size_t)(end - p - 2));
	if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
		return 0;
	cp = (uint32_t)u;
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
			return 0;
		lo = hex4(p + 8, 4);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) +
		    ((uint32_t)lo - 0xDC00);
	}
	if (cp < 0x80) {
		b[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		*n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		*n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		*n = 4;
	}
	return cp > 0xFFFF ? 12 : 6;
}

int
ovm_json_key_equals(const char *buf, const struct ovm_json_tok *tok,
    const char *name, size_t name_len)
{
	const char *p, *end;
	size_t used = 0, k, n;
	char b[4];

	if (tok->key_len < 2)
		return 0;
	p = buf + tok->key_off + 1;
	end = buf + tok->key_off + tok->key_len - 1;
	while (p < end) {
		k = decode_char(p, end, b, &n);
		if (k == 0 || n > name_len - used ||
		    memcmp(b, name + used, n) != 0)
			return 0;
		used += n;
		p += k;
	}
	return used == name_len;
}

int
ovm_json_string_decode(char **out, size_t *out_len, const char *buf,
    size_t off, size_t len)
{
	struct scan s = { buf + off, len, 0, 0, "", NULL };
	const char *p, *end;
	char *dst = NULL;
	size_t used = 0, k, n;

	*out = NULL;
	if (len < 2 || buf[off] != '"' || scan_string(&s) < 0 ||
	    s.pos != len)
		return OVM_EINPUT;
	/* Every escape is at least as long as the UTF-8 it stands for. */
	dst = malloc(len - 1);
	if (dst == NULL)
		return OVM_ENOMEM;
	p = buf + off + 1;
	end = buf + off + len - 1;
	while (p < end) {
		k = decode_char(p, end, dst + used, &n);
		if (k == 0) {
			free(dst);
			return OVM_EINPUT;
		}
		used += n;
		p += k;
	}
	dst[used] = '\0';
	*out = dst;
	if (out_len != NULL)
		*out_len = used;
	return 0;
}

size_t
ovm_json_string_encode(char *dst, size_t cap, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6];
	size_t i, j, n, total = 0;
	unsigned char c;

	for (i = 0; i <= len + 1; i++) {
		if (i == 0 || i == len + 1) {
			esc[0] = '"';
			n = 1;
		} else {
			c = (unsigned char)s[i - 1];
			n = 2;
			esc[0] = '\\';
			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			default:
				if (c < 0x20) {
					memcpy(esc, "\\u00", 4);
					esc[4] = hex[c >> 4];
					esc[5] = hex[c & 0xF];
					n = 6;
				} else {
					esc[0] = (char)c;
					n = 1;
				}
			}
		}
		for (j = 0; j < n; j++, total++)
			if (total < cap)
				dst[total] = esc[j];
	}
	return total;
}

/* Unescapes one RFC 6901 reference token ("~0" "~", "~1" "/"); -1 if bad. */
static int
pointer_token(char *dst, size_t *dst_len, const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != '~') {
			dst[n++] = p[i];
			continue;
		}
		if (i + 1 >= len || (p[i + 1] != '0' && p[i + 1] != '1'))
			return -1;
		dst[n++] = p[i + 1] == '0' ? '~' : '/';
		i++;
	}
	*dst_len = n;
	return 0;
}

/* An array index token: digits, no leading zero; -1 otherwise. */
static long
pointer_index(const char *t, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 9 || (len > 1 && t[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)t[i]))
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return v;
}

int
ovm_json_locate(struct ovm_json_tok *out, int *count_out, const char *buf,
    size_t len, const char *pointer)
{
	struct ovm_json_tok cur, child, found;
	struct ovm_json_iter it;
	const char *p, *slash;
	char *tok = NULL;
	size_t tlen, raw;
	long index, i;
	int r, count = 0, last;

	memset(out, 0, sizeof(*out));
	memset(&found, 0, sizeof(found));
	if (count_out != NULL)
		*count_out = 0;
	if (ovm_json_root(&cur, buf, len) < 0)
		return OVM_EINPUT;
	if (*pointer == '\0') {
		*out = cur;
		if (count_out != NULL)
			*count_out = 1;
		return 0;
	}
	if (*pointer != '/')
		return OVM_ENOTFOUND;
	tok = malloc(strlen(pointer) + 1);
	if (tok == NULL)
		return OVM_ENOMEM;
	p = pointer + 1;
	for (;;) {
		slash = strchr(p, '/');
		raw = slash != NULL ? (size_t)(slash - p) : strlen(p);
		last = slash == NULL;
		r = OVM_ENOTFOUND;
		if (pointer_token(tok, &tlen, p, raw) < 0)
			goto done;
		if (ovm_json_iter_init(&it, buf, len, &cur) < 0)
			goto done;
		count = 0;
		index = cur.type == OVM_JSON_ARRAY ? pointer_index(tok, tlen) :
		    0;
		if (index < 0)
			goto done;
		for (i = 0;; i++) {
			r = ovm_json_iter_next(&child, &it);
			if (r < 0)
				goto done;
			if (r == 0)
				break;
			if (cur.type == OVM_JSON_ARRAY ? i == index :
			    ovm_json_key_equals(buf, &child, tok, tlen)) {
				if (count == 0)
					found = child;
				count++;
				/* Only the last step counts duplicates. */
				if (!last || cur.type == OVM_JSON_ARRAY)
					break;
			}
		}
		r = OVM_ENOTFOUND;
		if (count == 0)
			goto done;
		cur = found;
		if (last)
			break;
		p = slash + 1;
	}
	*out = cur;
	if (count_out != NULL)
		*count_out = count;
	r = 0;
done:
	free(tok);
	return r;
}

int
ovm_json_line_of(const char *buf, size_t len, const char *pointer)
{
	struct ovm_json_tok tok;
	int line;

	if (buf == NULL || pointer == NULL ||
	    ovm_json_locate(&tok, NULL, buf, len, pointer) < 0)
		return 0;
	ovm_json_line_col(&line, NULL, buf, len, tok.off);
	return line;
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
