#ifndef OVM_DFPARSE_H
#define OVM_DFPARSE_H

/*
 * The Dockerfile as lines and instructions (internal to the Dockerfile
 * reader; BuildKit's parser/parser.go and instructions/parse.go): the
 * encoding, physical lines, parser directives, continuations, here-document
 * bodies, and the ARGs and FROMs they hold.  Pure.
 */

#include <stddef.h>

#include "core/dockerfile/dfvars.h"
#include "util/err.h"

/* One NAME[=value] of an ARG before the first FROM. */
struct df_arg {
	char *key;
	char *value;		/* the word after '=' as written, or NULL */
	int line;
};

/* One FROM. */
struct df_stage {
	char *base;		/* the image word as written */
	char *name;		/* lower-cased AS name, or NULL */
	char *platform;		/* --platform value as written, or NULL */
	int line;
	struct df_xres x;	/* base after expansion */
};

/* Zeroed, then buf, len, path and err set and esc = '\\'. */
struct df_parser {
	const char *buf, *path;
	size_t len, pos;
	int lineno;		/* physical lines read so far */
	char esc;
	int dir_done;
	unsigned dir_seen;
	int ninstr;
	struct ovm_err *err;
	struct df_arg *args;
	size_t nargs;
	struct df_stage *stages;
	size_t nstages;
};

/*
 * UTF-8 only: a UTF-16 byte order mark, a NUL byte or an invalid sequence
 * is OVM_EINPUT at its line.
 */
int df_check_encoding(struct df_parser *p);

/*
 * Parses instructions up to the first FROM, or to the end when all is set;
 * only ARG may come before the first FROM.  Fills p->args and p->stages
 * (allocates; df_parser_free).  0, OVM_EINPUT (path:line, hint) or
 * OVM_ENOMEM.
 */
int df_parse_file(struct df_parser *p, int all);

/* Frees the ARGs and FROMs (not p itself). */
void df_parser_free(struct df_parser *p);

/* Sets an input error at path:line with a hint; returns OVM_EINPUT. */
int df_fail_at(struct ovm_err *err, const char *path, int line,
    const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Sets "out of memory"; returns OVM_ENOMEM. */
int df_oom(struct ovm_err *err);

#endif
