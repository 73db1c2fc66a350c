#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static void
vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	/* A truncated message still ends in a visible marker. */
	if (n >= 0 && (size_t)n >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

/* snprintf through a wrapper: truncation is expected and marked. */
static void __attribute__((format(printf, 3, 4)))
format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, size, fmt, ap);
	va_end(ap);
}

int
ovm_err_set(struct ovm_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	ovm_err_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vformat(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
ovm_err_set_at(struct ovm_err *err, int code, const char *file, int line,
    const char *fmt, ...)
{
	char what[OVM_ERR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vformat(what, sizeof(what), fmt, ap);
	va_end(ap);
	ovm_err_clear(err);
	err->code = code;
	err->line = line;
	if (file != NULL)
		format(err->file, sizeof(err->file), "%s", file);
	if (file != NULL && line > 0)
		format(err->msg, sizeof(err->msg), "%s:%d: %s", file, line,
		    what);
	else if (file != NULL)
		format(err->msg, sizeof(err->msg), "%s: %s", file, what);
	else
		format(err->msg, sizeof(err->msg), "%s", what);
	return code;
}

int
ovm_err_hint(struct ovm_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return OVM_OK;
	va_start(ap, fmt);
	vformat(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return err->code;
}

int
ovm_err_prefix(struct ovm_err *err, const char *fmt, ...)
{
	char pre[OVM_ERR_MSG_MAX], old[OVM_ERR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return OVM_OK;
	va_start(ap, fmt);
	vformat(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	format(err->msg, sizeof(err->msg), "%s: %s", pre, old);
	return err->code;
}

void
ovm_err_clear(struct ovm_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

int
ovm_err_exit_code(int code)
{
	switch (code) {
	case OVM_OK:
		return 0;
	case OVM_EREFUSED:
		return 1;
	case OVM_EINPUT:
	case OVM_ECONFIG:
	case OVM_EUSAGE:
		return 2;
	case OVM_EPARTIAL:
		return 4;
	default:
		return 3;
	}
}

int
ovm_err_nomem(struct ovm_err *err)
{
	return ovm_err_set(err, OVM_ENOMEM, "out of memory");
}
