/*
 * ovm-release run: the CI step.  apply/release.c prepares the plan and
 * applies it; this command says what it did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/release.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "util/util.h"

/* What the preparation did that the user must hear, even on failure. */
void
cli_release_report(const struct ovm_release *r, int quiet)
{
	const char *src = r->cred_src;

	if (r->lock.reclaimed_from != 0)
		ovm_cli_warn("reclaimed a stale lock of process %ld ('%s')",
		    (long)r->lock.reclaimed_from, r->lock.path);
	if (quiet || !r->listed_remote || src == NULL)
		return;
	fprintf(stderr, "ovm-release: credentials: %s\n", src);
	if (strcmp(src, "GITHUB_TOKEN") == 0 || strcmp(src, "GH_TOKEN") == 0)
		ovm_cli_warn("tags pushed with GitHub's workflow token start "
		    "no other workflows: use a GitHub App token "
		    "(OVM_RELEASE_TOKEN)");
}

void
cli_release_opts(struct ovm_release_opts *ro, const struct ovm_opts *o)
{
	memset(ro, 0, sizeof(*ro));
	ro->repo_dir = o->repo;
	ro->config_file = o->config;
	ro->flags.event = o->event;
	ro->flags.before = o->before;
	ro->flags.after = o->after;
	ro->flags.branch = o->branch;
	ro->flags.remote = o->remote;
	ro->only = &o->tracks;
	ro->no_fetch = o->no_fetch;
	ro->no_push = o->no_push;
}

int
cmd_run(const struct ovm_opts *o)
{
	struct ovm_release_opts ro;
	struct ovm_release r;
	struct ovm_err err = OVM_ERR_INIT;
	const struct ovm_plan *p = &r.plan;
	int rc, status;
	size_t i;

	cli_release_opts(&ro, o);
	rc = ovm_release_prepare(&r, &ro, &err);
	cli_release_report(&r, 0);
	/* The workflow must be able to read what is released. */
	if (rc == 0 && r.in.in_ci)
		rc = ovm_github_files_check(&err);
	if (rc == 0)
		rc = ovm_release_apply(&r, &err);
	if (rc < 0) {
		status = ovm_cli_error(&err);
		ovm_release_free(&r);
		return status;
	}
	if (o->json)
		ovm_plan_print_json(stdout, p, 1);
	else
		ovm_plan_print_human(stdout, p, ovm_use_color(),
		    ovm_utf8_locale());
	if (r.in.in_ci || o->annotate)
		ovm_plan_print_annotations(o->json ? stderr : stdout, p);
	status = ovm_plan_exit_code(p);
	if (r.in.in_ci && ovm_github_files(p, o->tracks.n == 1, &err) < 0)
		status = ovm_cli_error(&err);
	else
		for (i = 0; status != 0 && !o->json && i < p->n_tracks; i++)
			if (p->tracks[i].exit_code == status) {
				ovm_cli_error(&p->tracks[i].err);
				break;
			}
	ovm_release_free(&r);
	return status;
}
