#ifndef OVM_JSON_H
#define OVM_JSON_H

/*
 * Strict JSON (RFC 8259) over bytes: validation with line and column, a
 * cJSON tree for readers, and a token-level view (offsets into the caller's
 * buffer) for writers that must change a few bytes and keep the rest.
 *
 * Policy: one UTF-8 byte-order mark at offset 0 is skipped; everything else
 * is RFC 8259 with no extensions (no comments, trailing commas, NaN,
 * single quotes, leading zeros).  Text must be valid UTF-8.  A lone UTF-16
 * surrogate escape ("\ud800" not followed by a low surrogate) is refused:
 * it has no UTF-8 form and cJSON rejects it without a position anyway.
 * Duplicate member names are valid JSON and accepted here; callers that
 * care (package.json "version") check with ovm_json_locate().
 *
 * Positions: lines are counted by LF (so CRLF files count as one line per
 * CRLF), 1-based; columns are 1-based in Unicode code points from the line
 * start, not counting the BOM.  Offsets are bytes into the buffer as given,
 * BOM included.
 */

#include <stddef.h>

#include <cJSON.h>

#include "ovm/err.h"

/* Containers nested deeper than this are refused (cJSON's own is 1000). */
#define OVM_JSON_MAX_DEPTH 512

/* cJSON cannot read a number longer than this; refused with a position. */
#define OVM_JSON_MAX_NUMBER 63

enum ovm_json_type {
	OVM_JSON_NULL,
	OVM_JSON_FALSE,
	OVM_JSON_TRUE,
	OVM_JSON_NUMBER,
	OVM_JSON_STRING,
	OVM_JSON_ARRAY,
	OVM_JSON_OBJECT,
};

/* One value in the buffer; for object members, its name too. */
struct ovm_json_tok {
	enum ovm_json_type type;
	size_t off;		/* first byte of the value */
	size_t len;		/* bytes of the value, quotes/brackets included */
	size_t key_off;		/* opening quote of the member name */
	size_t key_len;		/* 0 for array elements and the root */
};

struct ovm_json_iter {
	const char *buf;
	size_t len;
	size_t pos;		/* next byte to read */
	enum ovm_json_type type;	/* OVM_JSON_OBJECT or OVM_JSON_ARRAY */
	int started;
	int done;
};

/*
 * Validates buf as strict JSON.  On error returns OVM_EINPUT with
 * err->line and err->column set and the message
 * "path:line:col: invalid JSON: ...".
 */
int ovm_json_validate(const char *buf, size_t len, const char *path,
    struct ovm_err *err);

/*
 * Strict parse into a cJSON tree (validated by ovm_json_validate first, so
 * errors carry line and column).  Allocates *out (cJSON_Delete).
 */
int ovm_json_parse(cJSON **out, const char *buf, size_t len, const char *path,
    struct ovm_err *err);

/* 1-based line and column of byte offset off (see the policy above). */
void ovm_json_line_col(int *line_out, int *col_out, const char *buf,
    size_t len, size_t off);

/*
 * 1-based line of the value at a JSON pointer (RFC 6901: "/tracks/1/paths/0",
 * "~0" and "~1" escapes; "" is the root); 0 when it is not there or buf is
 * not valid JSON.  With duplicate names, the first member is taken, as
 * cJSON_GetObjectItem does.
 */
int ovm_json_line_of(const char *buf, size_t len, const char *pointer);

/* The top-level value.  Returns 0, or OVM_EINPUT when buf is not JSON. */
int ovm_json_root(struct ovm_json_tok *out, const char *buf, size_t len);

/*
 * Starts iterating the members of an object or the elements of an array
 * (container from ovm_json_root or ovm_json_iter_next).  Returns 0, or
 * OVM_EINPUT when container is neither.
 */
int ovm_json_iter_init(struct ovm_json_iter *out, const char *buf, size_t len,
    const struct ovm_json_tok *container);

/*
 * Next member or element: returns 1 and fills *out, 0 at the end,
 * OVM_EINPUT when the bytes are not valid JSON.
 */
int ovm_json_iter_next(struct ovm_json_tok *out, struct ovm_json_iter *it);

/*
 * Whether the member name of tok, decoded ("versi\u006fn" is "version"),
 * is exactly the name_len bytes at name.  0 for array elements.
 */
int ovm_json_key_equals(const char *buf, const struct ovm_json_tok *tok,
    const char *name, size_t name_len);

/*
 * The value at a JSON pointer (first member on duplicate names).  *count_out
 * (may be NULL) is how many members of the final object carry the last
 * name: 2 or more means duplicates.  Returns 0, OVM_ENOTFOUND, or
 * OVM_EINPUT when buf is not valid JSON.
 */
int ovm_json_locate(struct ovm_json_tok *out, int *count_out, const char *buf,
    size_t len, const char *pointer);

/*
 * Decodes the string token at buf[off..off+len) (quotes included) to UTF-8.
 * *out is NUL-terminated; *out_len (may be NULL) counts the bytes, which
 * may include NUL from "\u0000".  Allocates *out.  OVM_EINPUT when the
 * token is not a valid JSON string, OVM_ENOMEM.
 */
int ovm_json_string_decode(char **out, size_t *out_len, const char *buf,
    size_t off, size_t len);

/*
 * Appends the JSON string token for the len bytes at s (quotes included;
 * '"', '\\' and control characters escaped; UTF-8 kept as is) to
 * dst[0..cap); returns the token length (call with cap 0 to size it).
 */
size_t ovm_json_string_encode(char *dst, size_t cap, const char *s,
    size_t len);

/* "a string", "an object", ... for messages. */
const char *ovm_json_type_name(enum ovm_json_type type);

/* Whether the len bytes at s are valid UTF-8 (no overlongs, surrogates). */
int ovm_json_utf8_valid(const char *s, size_t len);

#endif
