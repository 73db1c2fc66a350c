#ifndef OVM_DFTEXT_H
#define OVM_DFTEXT_H

/*
 * Text rules shared by the parts of the Dockerfile reader (dockerfile.c,
 * dfparse.c, dfinstr.c, dfshell.c; internal): Go's UTF-8 decoding and
 * unicode.IsSpace, the blank classes BuildKit's regexps use, and two string
 * helpers.  Pure.
 */

#include <stddef.h>

struct ovm_strv;

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
size_t df_u8_len(const char *s, size_t n);

/* The length of the rune at s (text is valid UTF-8 once checked). */
size_t df_rune_len(const char *s, size_t n);

/* unicode.IsSpace: the length of the white-space rune at s, or 0. */
size_t df_uspace(const char *s, size_t n);

/* The number of bytes of white space at the start of s. */
size_t df_skip_space(const char *s, size_t n);

/* reWhitespace: [\t\v\f\r ] */
int df_is_blank(int c);

/* Go's regexp \s */
int df_is_re_space(int c);

int df_is_digit(int c);
int df_is_alpha(int c);

/* Allocates a NUL-terminated copy of s[0..n); NULL when out of memory. */
char *df_dup_n(const char *s, size_t n);

/* Appends a copy of s[0..n) to sv: 0 or OVM_ENOMEM. */
int df_push_n(struct ovm_strv *sv, const char *s, size_t n);

#endif
