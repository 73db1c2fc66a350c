#ifndef OVM_ERR_H
#define OVM_ERR_H

/*
 * Errors: modules never print and never exit.  They return 0 (or a
 * positive count / boolean where documented) on success and a negative
 * OVM_E* code on failure, after filling the caller's struct ovm_err with a
 * complete, lower-case message (git's strbuf *err convention).
 *
 * Input errors carry the file and line they point at, so commands can print
 * "path:line: what is wrong" and GitHub annotations "::error file=,line=::".
 */

#include <stddef.h>

enum {
	OVM_OK = 0,
	OVM_ENOTFOUND = -1,	/* expected: the thing is not there */
	OVM_EEXISTS = -2,	/* expected: the thing is already there */
	OVM_EINPUT = -3,	/* bad input file, payload or flag: exit 2 */
	OVM_ECONFIG = -4,	/* bad configuration: exit 2 */
	OVM_EREFUSED = -5,	/* policy refuses (conflict, dirty file): exit 1 */
	OVM_EENV = -6,		/* environment: network, auth, lock: exit 3 */
	OVM_EPARTIAL = -7,	/* some refs pushed, others not: exit 4 */
	OVM_ENOMEM = -8,	/* out of memory: exit 3 */
	OVM_EIO = -9,		/* file system: exit 3 */
	OVM_EUSAGE = -10,	/* bad command line: exit 2 */
	OVM_EGIT = -11,		/* unexpected libgit2 failure: exit 3 */
};

#define OVM_ERR_MSG_MAX 2048
#define OVM_ERR_PATH_MAX 1024

struct ovm_err {
	int code;
	int line;			/* 1-based, 0 when none */
	int column;			/* 1-based, 0 when none */
	char file[OVM_ERR_PATH_MAX];	/* "" when none */
	char msg[OVM_ERR_MSG_MAX];	/* complete message, file:line included */
	char hint[512];			/* what to do, "" when none */
};

#define OVM_ERR_INIT { 0, 0, 0, "", "", "" }

/* Sets err (when not NULL) and returns code. */
int ovm_err_set(struct ovm_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Sets err with a location: msg becomes "file:line: <fmt>" (or "file: <fmt>"
 * when line is 0).  Returns code.
 */
int ovm_err_set_at(struct ovm_err *err, int code, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sets the hint ("what to do") of an error already set; returns err->code. */
int ovm_err_hint(struct ovm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes the message with "<fmt>: "; returns err->code. */
int ovm_err_prefix(struct ovm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ovm_err_clear(struct ovm_err *err);

/* The exit status (doc/decisions.md#exit-codes) of an error code (0 for OVM_OK). */
int ovm_err_exit_code(int code);

/* OVM_ENOMEM with the message "out of memory". */
int ovm_err_nomem(struct ovm_err *err);

#endif
