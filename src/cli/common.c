/*
 * What the commands share: error and warning lines, --track checked, and
 * what the terminal can show.  Only the cli layer prints.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/util.h"

/* One line on stderr: no value inside can start a line of its own. */
static void
put_line(const char *prefix, const char *text)
{
	char *e = ovm_escape_ctrl(text);

	fprintf(stderr, "%s%s\n", prefix, e != NULL ? e : "(out of memory)");
	free(e);
}

int
ovm_cli_error(const struct ovm_err *err)
{
	put_line("ovm-release: error: ", err->msg[0] ? err->msg :
	    "unknown error");
	if (err->hint[0] != '\0')
		put_line("hint: ", err->hint);
	return ovm_err_exit_code(err->code);
}

void
ovm_cli_warn(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	put_line("ovm-release: warning: ", s != NULL ? s : "(out of memory)");
	free(s);
}

int
ovm_use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
}

int
ovm_utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
}
