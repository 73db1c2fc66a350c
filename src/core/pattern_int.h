#ifndef OVM_PATTERN_INT_H
#define OVM_PATTERN_INT_H

/*
 * Internal to the pattern module: the expression builder pattern.c gives
 * template.c and pathfilter.c.
 */

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include <pcre2.h>
#include <stddef.h>

#include "util/err.h"

/* A growing expression; oom sticks so callers check once at the end. */
struct pat_rbuf {
	char *p;
	size_t len, cap;
	int oom;
};

#define PAT_RBUF_INIT { NULL, 0, 0, 0 }

/* Appends s[0..n) as regex syntax. */
void pat_rb_add(struct pat_rbuf *b, const char *s, size_t n);

/* Appends the string s as regex syntax. */
void pat_rb_str(struct pat_rbuf *b, const char *s);

/* One byte that must match itself. */
void pat_rb_byte(struct pat_rbuf *b, unsigned char c);

/* s[0..n), each byte matching itself. */
void pat_rb_literal(struct pat_rbuf *b, const char *s, size_t n);

/*
 * Compiles re (anchored, dot-all, no UTF mode).  Allocates *out
 * (pcre2_code_free).  On failure sets err with PCRE2's message about what
 * (the source text the user wrote) and returns OVM_ECONFIG.
 */
int pat_compile_re(pcre2_code **out, const char *re, size_t len,
    const char *what, const char *src, struct ovm_err *err);

#endif
