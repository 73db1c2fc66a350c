/*
 * ovm-release: global options, the command table, exit mapping.
 * Only main.c and cmd_*.c print.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

static const struct ovm_cmd commands[] = {
	{ "config", cmd_config, OPT_JSON, "",
	    "the effective configuration, as JSON" },
	{ "plan", cmd_plan, OPT_JSON | OPT_EVENT | OPT_REMOTE | OPT_ONLINE, "",
	    "what would be done and why (also: --plan); read-only" },
	{ "run", cmd_run, OPT_JSON | OPT_EVENT | OPT_REMOTE | OPT_NO_FETCH |
	    OPT_NO_PUSH | OPT_ANNOTATE, "", "do it: bump, commit, tag, push" },
	{ "hook", cmd_hook, 0, "post-commit",
	    "the post-commit hook: one line on what the commit will release" },
	{ "install-hook", cmd_install_hook, OPT_UNINSTALL | OPT_FORCE, "",
	    "install the post-commit hook (chaining an existing one)" },
	{ "check-image", cmd_check_image, OPT_JSON | OPT_EVENT, "",
	    "the FROM image's tag exists in its registry" },
	{ "resolve", cmd_resolve, OPT_JSON | OPT_REMOTE | OPT_LATEST | OPT_GITHUB,
	    "TRACK", "the latest released version of a track" },
	{ "help", cmd_help, 0, "[COMMAND]", "this help, or a command's" },
	{ "version", cmd_version, OPT_JSON, "",
	    "the version, and the linked libraries' versions" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct {
	unsigned bit;
	const char *text;
} opt_help[] = {
	{ OPT_JSON, "--json" },
	{ OPT_EVENT, "--event E --before SHA --after SHA --branch B" },
	{ OPT_REMOTE, "--remote R" },
	{ OPT_ONLINE, "--online" },
	{ OPT_NO_FETCH, "--no-fetch" },
	{ OPT_NO_PUSH, "--no-push" },
	{ OPT_ANNOTATE, "--annotate" },
	{ OPT_UNINSTALL, "--uninstall" },
	{ OPT_FORCE, "--force" },
	{ OPT_LATEST, "--latest" },
	{ OPT_GITHUB, "--github OWNER/REPO" },
};

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: ovm-release [--repo DIR] [--config FILE] [--track NAME]... "
	    "COMMAND [OPTIONS]\n\ncommands:\n", f);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
	fputs("\nglobal: --repo DIR  --config FILE  --track NAME  --plan  --help  "
	    "--version\n"
	    "run 'ovm-release help COMMAND' for a command's options\n", f);
}

static const struct ovm_cmd *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
command_usage(FILE *f, const struct ovm_cmd *c)
{
	size_t i;

	fprintf(f, "usage: ovm-release [--repo DIR] [--config FILE] [--track NAME]... %s%s%s",
	    c->name, c->args[0] ? " " : "", c->args);
	for (i = 0; i < sizeof(opt_help) / sizeof(opt_help[0]); i++)
		if (c->opts & opt_help[i].bit)
			fprintf(f, " [%s]", opt_help[i].text);
	fprintf(f, "\n\n  %s\n", c->summary);
}

int
cmd_help(const struct ovm_opts *o)
{
	const struct ovm_cmd *c;

	if (o->argc == 0) {
		usage(stdout);
		return 0;
	}
	c = find_command(o->argv[0]);
	if (c == NULL) {
		fprintf(stderr, "ovm-release: error: unknown command '%s'\n",
		    o->argv[0]);
		usage(stderr);
		return 2;
	}
	command_usage(stdout, c);
	return 0;
}

enum {
	LO_REPO = 256, LO_CONFIG, LO_TRACK, LO_JSON, LO_EVENT, LO_BEFORE,
	LO_AFTER, LO_BRANCH, LO_REMOTE, LO_ONLINE, LO_NO_FETCH, LO_NO_PUSH,
	LO_ANNOTATE, LO_UNINSTALL, LO_FORCE, LO_LATEST, LO_GITHUB, LO_PLAN,
	LO_VERSION, LO_HELP,
};

static const struct option long_opts[] = {
	{ "after", required_argument, NULL, LO_AFTER },
	{ "annotate", no_argument, NULL, LO_ANNOTATE },
	{ "before", required_argument, NULL, LO_BEFORE },
	{ "branch", required_argument, NULL, LO_BRANCH },
	{ "config", required_argument, NULL, LO_CONFIG },
	{ "event", required_argument, NULL, LO_EVENT },
	{ "force", no_argument, NULL, LO_FORCE },
	{ "github", required_argument, NULL, LO_GITHUB },
	{ "help", no_argument, NULL, LO_HELP },
	{ "json", no_argument, NULL, LO_JSON },
	{ "latest", no_argument, NULL, LO_LATEST },
	{ "no-fetch", no_argument, NULL, LO_NO_FETCH },
	{ "no-push", no_argument, NULL, LO_NO_PUSH },
	{ "online", no_argument, NULL, LO_ONLINE },
	{ "plan", no_argument, NULL, LO_PLAN },
	{ "remote", required_argument, NULL, LO_REMOTE },
	{ "repo", required_argument, NULL, LO_REPO },
	{ "track", required_argument, NULL, LO_TRACK },
	{ "uninstall", no_argument, NULL, LO_UNINSTALL },
	{ "version", no_argument, NULL, LO_VERSION },
	{ NULL, 0, NULL, 0 },
};

/*
 * The numeric environment variables, checked once here: their readers
 * (cmd_run.c, http.c, lock.c) fall back to their defaults silently.
 */
static const struct {
	const char *name;
	long min, max;
} num_env[] = {
	{ "OVM_RELEASE_CPU_LIMIT", 1, 86400 },
	{ "OVM_RELEASE_HTTP_BACKOFF_MS", 0, 60000 },
	{ "OVM_RELEASE_TIMEOUT", 1, 86400 },
};

static void
check_env(void)
{
	size_t i;
	long v;

	for (i = 0; i < sizeof(num_env) / sizeof(num_env[0]); i++) {
		const char *s = getenv(num_env[i].name);

		/* Empty is unset (an Actions `env:` of an unset variable). */
		if (s != NULL && s[0] != '\0' && ovm_parse_count(&v, s,
		    num_env[i].min, num_env[i].max) < 0)
			ovm_cli_warn("%s='%s' is not a whole number from %ld to "
			    "%ld: the default is used", num_env[i].name, s,
			    num_env[i].min, num_env[i].max);
	}
}

/* Closes stdout and reports a failed write, like jq: not success. */
static int
finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, "ovm-release: error: cannot write output: %s\n",
		    strerror(errno));
		if (status == 0)
			status = 3;
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct ovm_opts o;
	const struct ovm_cmd *cmd = NULL;
	const char *cmd_name = NULL;
	int c, status, help = 0, plan = 0, version = 0;
	size_t i;

	memset(&o, 0, sizeof(o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", long_opts, NULL)) != -1 ||
	    optind < argc) {
		if (c == -1) {
			/* A positional argument: the command, then its own. */
			if (cmd_name == NULL)
				cmd_name = argv[optind];
			else
				argv[o.argc++] = argv[optind];
			optind++;
			continue;
		}
		switch (c) {
		case LO_REPO: o.repo = optarg; break;
		case LO_CONFIG: o.config = optarg; break;
		case LO_TRACK:
			if (ovm_strv_push(&o.tracks, optarg) < 0) {
				fputs("ovm-release: error: out of memory\n", stderr);
				return 3;
			}
			break;
		case LO_JSON: o.json = 1; o.given |= OPT_JSON; break;
		case LO_EVENT: o.event = optarg; o.given |= OPT_EVENT; break;
		case LO_BEFORE: o.before = optarg; o.given |= OPT_EVENT; break;
		case LO_AFTER: o.after = optarg; o.given |= OPT_EVENT; break;
		case LO_BRANCH: o.branch = optarg; o.given |= OPT_EVENT; break;
		case LO_REMOTE: o.remote = optarg; o.given |= OPT_REMOTE; break;
		case LO_ONLINE: o.online = 1; o.given |= OPT_ONLINE; break;
		case LO_NO_FETCH: o.no_fetch = 1; o.given |= OPT_NO_FETCH; break;
		case LO_NO_PUSH: o.no_push = 1; o.given |= OPT_NO_PUSH; break;
		case LO_ANNOTATE: o.annotate = 1; o.given |= OPT_ANNOTATE; break;
		case LO_UNINSTALL: o.uninstall = 1; o.given |= OPT_UNINSTALL; break;
		case LO_FORCE: o.force = 1; o.given |= OPT_FORCE; break;
		case LO_LATEST: o.latest = 1; o.given |= OPT_LATEST; break;
		case LO_GITHUB: o.github = optarg; o.given |= OPT_GITHUB; break;
		case LO_PLAN: plan = 1; break;
		case LO_VERSION: version = 1; break;
		case LO_HELP: help = 1; break;
		default:
			if (optopt != 0 && optopt >= LO_REPO)
				fprintf(stderr, "ovm-release: error: option '%s' "
				    "needs a value\n", argv[optind - 1]);
			else
				fprintf(stderr, "ovm-release: error: unknown option "
				    "'%s'\n", argv[optind - 1]);
			usage(stderr);
			ovm_strv_free(&o.tracks);
			return 2;
		}
	}
	o.argv = argv;
	if (plan && cmd_name == NULL)
		cmd_name = "plan";
	else if (plan)
		o.argv[o.argc++] = (char *)"--plan";	/* rejected below */
	if (version && cmd_name == NULL)
		cmd_name = "version";
	if (cmd_name == NULL) {
		ovm_strv_free(&o.tracks);
		if (help) {
			usage(stdout);
			return finish(0);
		}
		usage(stderr);
		return 2;
	}
	cmd = find_command(cmd_name);
	if (cmd == NULL) {
		fprintf(stderr, "ovm-release: error: unknown command '%s'\n",
		    cmd_name);
		usage(stderr);
		ovm_strv_free(&o.tracks);
		return 2;
	}
	if (help) {
		command_usage(stdout, cmd);
		ovm_strv_free(&o.tracks);
		return finish(0);
	}
	if (o.given & ~cmd->opts) {
		for (i = 0; i < sizeof(opt_help) / sizeof(opt_help[0]); i++)
			if (o.given & ~cmd->opts & opt_help[i].bit)
				break;
		fprintf(stderr, "ovm-release: error: '%s' does not take %s\n",
		    cmd->name, i < sizeof(opt_help) / sizeof(opt_help[0]) ?
		    opt_help[i].text : "that option");
		command_usage(stderr, cmd);
		ovm_strv_free(&o.tracks);
		return 2;
	}
	if (o.argc > 0 && cmd->args[0] == '\0') {
		fprintf(stderr, "ovm-release: error: '%s' takes no argument "
		    "('%s')\n", cmd->name, o.argv[0]);
		command_usage(stderr, cmd);
		ovm_strv_free(&o.tracks);
		return 2;
	}
	if (cmd->fn != cmd_hook)	/* the hook says one line at most */
		check_env();
	status = cmd->fn(&o);
	ovm_strv_free(&o.tracks);
	return finish(status);
}
