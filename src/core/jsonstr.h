#ifndef OVM_JSONSTR_H
#define OVM_JSONSTR_H

/*
 * The text level of JSON (jsonstr.c): member names, string encoding,
 * UTF-8.  Pure.  Included by json.h.
 */

#include <stddef.h>

struct ovm_json_tok;

/* * Whether the member name of tok, decoded ("versi\u006fn" is "version"),
 * is exactly the name_len bytes at name.  0 for array elements.
 */
int ovm_json_key_equals(const char *buf, const struct ovm_json_tok *tok,
    const char *name, size_t name_len);

/* * Appends the JSON string token for the len bytes at s (quotes included;
 * '"', '\\' and control characters escaped; UTF-8 kept as is) to
 * dst[0..cap); returns the token length (call with cap 0 to size it).
 */
size_t ovm_json_string_encode(char *dst, size_t cap, const char *s,
    size_t len);

/* Whether the len bytes at s are valid UTF-8 (no overlongs, surrogates). */
int ovm_json_utf8_valid(const char *s, size_t len);

#endif
