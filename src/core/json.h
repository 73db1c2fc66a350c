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

#include "core/jsonstr.h"	/* member names, encoding, UTF-8 */
#include "core/jsontok.h"	/* string tokens decoded, pointers */
#include "util/err.h"

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

/* "a string", "an object", ... for messages. */
const char *ovm_json_type_name(enum ovm_json_type type);

#endif
