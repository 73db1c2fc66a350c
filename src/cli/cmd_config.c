/* ovm-release config: the effective configuration, as JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/config.h"
#include "plan/load.h"

int
cmd_config(const struct ovm_opts *o)
{
	struct ovm_config cfg;
	struct ovm_err err = OVM_ERR_INIT;
	char *json = NULL;
	int rc;

	rc = ovm_load_worktree_config(&cfg, o->repo, o->config, &err);
	if (rc < 0)
		return ovm_cli_error(&err);
	rc = ovm_config_to_json(&json, &cfg, &err);
	ovm_config_free(&cfg);
	if (rc < 0)
		return ovm_cli_error(&err);
	printf("%s\n", json);
	free(json);
	return 0;
}
