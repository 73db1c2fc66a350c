#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/util.h"

int
ovm_buf_grow(struct ovm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap;
	char *p;

	if (need < b->len)
		return OVM_ENOMEM;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (p == NULL)
		return OVM_ENOMEM;
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int
ovm_buf_add(struct ovm_buf *b, const char *data, size_t len)
{
	if (ovm_buf_grow(b, len) < 0)
		return OVM_ENOMEM;
	if (len > 0)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int
ovm_buf_puts(struct ovm_buf *b, const char *s)
{
	return ovm_buf_add(b, s, strlen(s));
}

int
ovm_buf_printf(struct ovm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ovm_buf_grow(b, (size_t)n) < 0)
		return OVM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
ovm_buf_detach(struct ovm_buf *b)
{
	char *p = b->ptr;

	if (p == NULL)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void
ovm_buf_free(struct ovm_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *
ovm_escape_ctrl(const char *s)
{
	struct ovm_buf b = OVM_BUF_INIT;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		int rc = c < 0x20 || c == 0x7f ? ovm_buf_printf(&b, "\\x%02x", c) :
		    ovm_buf_add(&b, s, 1);

		if (rc < 0) {
			ovm_buf_free(&b);
			return NULL;
		}
	}
	return ovm_buf_detach(&b);
}

char *
ovm_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
ovm_strv_push(struct ovm_strv *sv, const char *s)
{
	char **v = realloc(sv->v, (sv->n + 2) * sizeof(*v));
	char *copy = strdup(s);

	if (v != NULL)
		sv->v = v;
	if (v == NULL || copy == NULL) {
		free(copy);
		return OVM_ENOMEM;
	}
	sv->v[sv->n++] = copy;
	sv->v[sv->n] = NULL;
	return 0;
}

int
ovm_strv_pushf(struct ovm_strv *sv, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return OVM_ENOMEM;
	rc = ovm_strv_push(sv, s);
	free(s);
	return rc;
}

int
ovm_strv_contains(const struct ovm_strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

void
ovm_strv_free(struct ovm_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

int
ovm_read_file(char **out, size_t *len_out, const char *path,
    struct ovm_err *err)
{
	struct ovm_buf b = OVM_BUF_INIT;
	FILE *f;
	struct stat st;
	char chunk[65536];
	size_t n;

	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL)
		return ovm_err_set(err, errno == ENOENT ? OVM_ENOTFOUND : OVM_EIO,
		    "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		return ovm_err_set(err, OVM_EINPUT, "'%s' is not a regular file",
		    path);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (ovm_buf_add(&b, chunk, n) < 0) {
			fclose(f);
			ovm_buf_free(&b);
			return ovm_err_nomem(err);
		}
	}
	if (ferror(f)) {
		fclose(f);
		ovm_buf_free(&b);
		return ovm_err_set(err, OVM_EIO, "cannot read '%s'", path);
	}
	fclose(f);
	if (len_out != NULL)
		*len_out = b.len;
	*out = ovm_buf_detach(&b);
	return 0;
}

int
ovm_parse_count(long *out, const char *s, long min, long max)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return OVM_EINPUT;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return OVM_EINPUT;
		/* Saturate instead of overflowing: too big is too big. */
		v = v > (LONG_MAX - 9) / 10 ? LONG_MAX : v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return OVM_EINPUT;
	*out = v;
	return 0;
}

char *
ovm_first_line(const char *msg)
{
	size_t n = strcspn(msg, "\n");

	if (n > 0 && msg[n - 1] == '\r')
		n--;
	return strndup(msg, n);
}

const char *
ovm_quote(char *buf, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s != '\0' && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (*s != '\0')
		memcpy(buf + o, "...", 4);
	else
		buf[o] = '\0';
	return buf;
}
