#ifndef OVM_JSON_INT_H
#define OVM_JSON_INT_H

/*
 * Internal to the JSON module, in its one direction: jsonstr.c (text)
 * below json.c (the scanner) below jsontok.c (token reads).
 */

#include <stddef.h>
#include <stdint.h>

/* Four hex digits at p (avail bytes there) as a code unit, or -1. */
long ovm_json_hex4(const char *p, size_t avail);

/*
 * Length of the valid UTF-8 sequence at p (1-4), or 0: overlong forms,
 * UTF-16 surrogates and code points past U+10FFFF are not UTF-8.  Sets
 * *cp_out to the code point when valid.
 */
size_t ovm_json_utf8_seq(const unsigned char *p, size_t avail,
    uint32_t *cp_out);

/*
 * One character of a validated string body at p: its UTF-8 bytes go to b
 * (*n of them, at most 4); returns the input bytes consumed, 0 if invalid
 * (jsonstr.c).
 */
size_t ovm_json_decode_char(const char *p, const char *end, char b[4],
    size_t *n);

/*
 * 1 when s[0..len) is exactly one valid JSON string token (quotes
 * included), else 0.  The scanner's own rule (json.c).
 */
int ovm_json_string_token_ok(const char *s, size_t len);

#endif
