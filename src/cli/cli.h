#ifndef OVM_CLI_H
#define OVM_CLI_H

/* The parsed command line, shared by main.c and the cmd_*.c files. */

#include "core/config.h"
#include "util/err.h"

enum {
	OPT_JSON = 1 << 0,
	OPT_EVENT = 1 << 1,	/* --event --before --after --branch */
	OPT_REMOTE = 1 << 2,
	OPT_ONLINE = 1 << 3,
	OPT_NO_FETCH = 1 << 4,
	OPT_NO_PUSH = 1 << 5,
	OPT_ANNOTATE = 1 << 6,
	OPT_UNINSTALL = 1 << 7,
	OPT_FORCE = 1 << 8,
	OPT_LATEST = 1 << 9,
	OPT_GITHUB = 1 << 10,
};

struct ovm_opts {
	const char *repo;		/* --repo, NULL: discover from "." */
	const char *config;		/* --config */
	struct ovm_strv tracks;		/* --track, repeatable */
	unsigned given;			/* OPT_* bits given on the line */
	int json;
	const char *event, *before, *after, *branch;
	const char *remote;
	int online, no_fetch, no_push, annotate;
	int uninstall, force, latest;
	const char *github;
	int argc;			/* positional arguments after the command */
	char **argv;
};

struct ovm_cmd {
	const char *name;
	int (*fn)(const struct ovm_opts *o);	/* returns the exit status */
	unsigned opts;				/* OPT_* bits it accepts */
	const char *args;			/* positional synopsis */
	const char *summary;
};

/* Prints "ovm-release: error: <msg>" (and the hint) on stderr; returns
 * the exit status for err. */
int ovm_cli_error(const struct ovm_err *err);

/* Prints a warning line on stderr. */
void ovm_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_config(const struct ovm_opts *o);
int cmd_plan(const struct ovm_opts *o);
int cmd_run(const struct ovm_opts *o);
int cmd_hook(const struct ovm_opts *o);
int cmd_check_image(const struct ovm_opts *o);
int cmd_resolve(const struct ovm_opts *o);
int cmd_install_hook(const struct ovm_opts *o);

int cmd_version(const struct ovm_opts *o);
int cmd_help(const struct ovm_opts *o);

/* The release operation's options from the command line (cmd_run.c). */
struct ovm_release_opts;
struct ovm_release;
void cli_release_opts(struct ovm_release_opts *ro, const struct ovm_opts *o);
/* The stale lock reclaimed, the credential's source (unless quiet). */
void cli_release_report(const struct ovm_release *r, int quiet);

/* 1 when stdout is a terminal and NO_COLOR is unset. */
int ovm_use_color(void);
/* 1 when the locale's character set is UTF-8. */
int ovm_utf8_locale(void);

/*
 * $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, when set, can be appended to
 * (each is opened for appending, created when missing, and closed): run
 * checks this before anything is written or pushed, so that a release is
 * never made whose outputs the workflow then cannot read.  OVM_EIO naming
 * the variable, its path and why.
 */
int ovm_github_files_check(struct ovm_err *err);

/* Appends to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY when they are set. */
struct ovm_plan;
int ovm_github_files(const struct ovm_plan *p, int single_track,
    struct ovm_err *err);

#endif
