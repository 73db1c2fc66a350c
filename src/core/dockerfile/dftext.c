/*
 * Text rules shared by the parts of the Dockerfile reader: Go's UTF-8
 * decoding and unicode.IsSpace (BuildKit is Go; its notion of a rune and
 * of white space is the one that counts), and two string helpers.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dftext.h"
#include "util/util.h"

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
size_t
df_u8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, need;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		need = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return need;
}

/* The length of the rune at s (text is valid UTF-8 once checked). */
size_t
df_rune_len(const char *s, size_t n)
{
	size_t l = df_u8_len(s, n);

	return l > 0 ? l : 1;
}

/* unicode.IsSpace: the length of the white-space rune at s, or 0. */
size_t
df_uspace(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n == 0)
		return 0;
	if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	if ((s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) ||
	    (s[0] == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 ||
	    s[2] == 0xA9 || s[2] == 0xAF)) ||
	    (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) ||
	    (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80))
		return 3;
	return 0;
}

/* The number of bytes of white space at the start of s. */
size_t
df_skip_space(const char *s, size_t n)
{
	size_t i = 0, l;

	for (;;) {
		l = df_uspace(s + i, n - i);
		if (l == 0)
			return i;
		i += l;
	}
}

/* reWhitespace: [\t\v\f\r ] */
int
df_is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's regexp \s */
int
df_is_re_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

int
df_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int
df_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char *
df_dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int
df_push_n(struct ovm_strv *sv, const char *s, size_t n)
{
	char *tmp = df_dup_n(s, n);
	int rc;

	if (tmp == NULL)
		return OVM_ENOMEM;
	rc = ovm_strv_push(sv, tmp);
	free(tmp);
	return rc;
}
