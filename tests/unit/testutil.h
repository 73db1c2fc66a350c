/*
 * Shared helpers for the cmocka unit tests: corpus location and whole-file
 * reads.  Header-only so that each test binary stays one file.
 */
#ifndef OVM_TESTUTIL_H
#define OVM_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* The corpora: $OVM_CORPUS, else tests/corpus (the tests run from the root). */
static inline const char *
tu_corpus_dir(void)
{
	const char *d = getenv("OVM_CORPUS");

	return d != NULL && *d != '\0' ? d : "tests/corpus";
}

/* Reads a whole file; returns a malloc'd buffer (NUL-terminated) or NULL. */
static inline char *
tu_read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	if (len_out != NULL)
		*len_out = len;
	return buf;
}

/* Reads "<corpus>/<rel>"; fails the test when it is missing. */
static inline char *
tu_read_corpus(const char *rel, size_t *len_out)
{
	char path[4096];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", tu_corpus_dir(), rel);
	buf = tu_read_file(path, len_out);
	if (buf == NULL)
		fail_msg("cannot read corpus file %s", path);
	return buf;
}

/*
 * Splits a TSV line in place into at most max fields; returns the count.
 * A trailing CR/LF is removed.
 */
static inline int
tu_split_tsv(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	size_t l = strlen(line);

	while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
		line[--l] = '\0';
	while (n < max) {
		char *tab = strchr(p, '\t');

		fields[n++] = p;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

#endif
