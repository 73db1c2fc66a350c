#ifndef OVM_UTIL_H
#define OVM_UTIL_H

/* Small shared helpers: a growable byte buffer and string vectors. */

#include <stddef.h>

#include "util/err.h"

/* A growable, always NUL-terminated byte buffer (git's strbuf). */
struct ovm_buf {
	char *ptr;
	size_t len;
	size_t cap;
};

#define OVM_BUF_INIT { NULL, 0, 0 }

int ovm_buf_grow(struct ovm_buf *b, size_t extra);
int ovm_buf_add(struct ovm_buf *b, const char *data, size_t len);
int ovm_buf_puts(struct ovm_buf *b, const char *s);
int ovm_buf_printf(struct ovm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Gives the buffer's string to the caller (never NULL); the buffer is reset. */
char *ovm_buf_detach(struct ovm_buf *b);
void ovm_buf_free(struct ovm_buf *b);

/* A copy of s with control characters (< 0x20, 0x7f) as \xNN (malloc'd). */
char *ovm_escape_ctrl(const char *s);

/* The first line of a message, without its newline or CR (malloc'd). */
char *ovm_first_line(const char *msg);

/*
 * s for a message, in buf: printable ASCII kept, anything else (and '\\')
 * as \xNN, cut with "..." when it does not fit; returns buf.  A value from
 * a payload or a repository cannot break a line (or a "::error::" command).
 */
const char *ovm_quote(char *buf, size_t size, const char *s);

/* strdup that returns NULL for NULL. */
char *ovm_strdup(const char *s);

/* A vector of owned strings. */
struct ovm_strv {
	char **v;
	size_t n;
};

#define OVM_STRV_INIT { NULL, 0 }

int ovm_strv_push(struct ovm_strv *sv, const char *s);
int ovm_strv_pushf(struct ovm_strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ovm_strv_contains(const struct ovm_strv *sv, const char *s);
void ovm_strv_free(struct ovm_strv *sv);

/*
 * A whole number from an environment value (OVM_RELEASE_TIMEOUT ...):
 * decimal digits only, from min to max.  Returns 0 and sets *out, or
 * OVM_EINPUT with *out untouched ("", "10s", "-1", "0x10", " 5", too big).
 */
int ovm_parse_count(long *out, const char *s, long min, long max);

/* Reads a whole regular file.  Allocates *out (NUL-terminated). */
int ovm_read_file(char **out, size_t *len_out, const char *path,
    struct ovm_err *err);

#endif
