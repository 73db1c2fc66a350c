/*
 * Token-level reads over the scanner (json.c): decoding a string token,
 * and JSON pointers (RFC 6901) for the line of a value.  Above json.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/json_int.h"

int
ovm_json_string_decode(char **out, size_t *out_len, const char *buf,
    size_t off, size_t len)
{
	const char *p, *end;
	char *dst = NULL;
	size_t used = 0, k, n;

	*out = NULL;
	if (!ovm_json_string_token_ok(buf + off, len))
		return OVM_EINPUT;
	/* Every escape is at least as long as the UTF-8 it stands for. */
	dst = malloc(len - 1);
	if (dst == NULL)
		return OVM_ENOMEM;
	p = buf + off + 1;
	end = buf + off + len - 1;
	while (p < end) {
		k = ovm_json_decode_char(p, end, dst + used, &n);
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
		if (t[i] < '0' || t[i] > '9')
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
