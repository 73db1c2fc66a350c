#ifndef OVM_JSONTOK_H
#define OVM_JSONTOK_H

/*
 * Token-level reads over the scanner (jsontok.c): a string token decoded,
 * and JSON pointers (RFC 6901).  Pure.  Included by json.h.
 */

#include <stddef.h>

struct ovm_json_tok;

/* * Decodes the string token at buf[off..off+len) (quotes included) to UTF-8.
 * *out is NUL-terminated; *out_len (may be NULL) counts the bytes, which
 * may include NUL from "\u0000".  Allocates *out.  OVM_EINPUT when the
 * token is not a valid JSON string, OVM_ENOMEM.
 */
int ovm_json_string_decode(char **out, size_t *out_len, const char *buf,
    size_t off, size_t len);

/* * The value at a JSON pointer (first member on duplicate names).  *count_out
 * (may be NULL) is how many members of the final object carry the last
 * name: 2 or more means duplicates.  Returns 0, OVM_ENOTFOUND, or
 * OVM_EINPUT when buf is not valid JSON.
 */
int ovm_json_locate(struct ovm_json_tok *out, int *count_out, const char *buf,
    size_t len, const char *pointer);

/*
 * 1-based line of the value at a JSON pointer (RFC 6901: "/tracks/1/paths/0",
 * "~0" and "~1" escapes; "" is the root); 0 when it is not there or buf is
 * not valid JSON.  With duplicate names, the first member is taken, as
 * cJSON_GetObjectItem does.
 */
int ovm_json_line_of(const char *buf, size_t len, const char *pointer);

#endif
