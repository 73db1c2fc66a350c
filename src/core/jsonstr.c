/*
 * The text level of the JSON module: escapes, UTF-8, member names and
 * string encoding.  Below the scanner (json.c), which uses it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/json_int.h"

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
long
ovm_json_hex4(const char *p, size_t avail)
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
size_t
ovm_json_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp_out)
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
		n = ovm_json_utf8_seq((const unsigned char *)s + i, len - i,
		    &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

/*
 * One character of a validated string body at p: its UTF-8 bytes go to b
 * (*n of them, at most 4); returns the input bytes consumed, 0 if invalid.
 * Raw bytes are passed one at a time: they are UTF-8 already.
 */
size_t
ovm_json_decode_char(const char *p, const char *end, char b[4], size_t *n)
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
	u = ovm_json_hex4(p + 2, (size_t)(end - p - 2));
	if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
		return 0;
	cp = (uint32_t)u;
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - p < 12 || p[6] != '\\' || p[7] != 'u')
			return 0;
		lo = ovm_json_hex4(p + 8, 4);
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
		k = ovm_json_decode_char(p, end, b, &n);
		if (k == 0 || n > name_len - used ||
		    memcmp(b, name + used, n) != 0)
			return 0;
		used += n;
		p += k;
	}
	return used == name_len;
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
