/*
 * The plan builder's lowest floor: version files read and set by format,
 * the regular-blob check, and a track's input error recorded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dockerfile.h"
#include "core/pattern.h"
#include "core/pkgjson.h"
#include "core/semver.h"
#include "core/versions.h"
#include "plan/build.h"
#include "plan/plan.h"
#include "util/util.h"

int
plan_track_error(struct tctx *tc, const struct ovm_err *e)
{
	tc->pt->err = *e;
	tc->pt->exit_code = ovm_err_exit_code(e->code);
	return e->code;
}

int
plan_vf_version(char **out, const struct ovm_version_file *vf, const char *buf,
    size_t len, struct ovm_err *err)
{
	if (vf->format == OVM_VF_NPM_LOCK)
		return ovm_npmlock_version(out, buf, len, vf->path, err);
	return ovm_pkgjson_version(out, buf, len, vf->path, err);
}

int
plan_vf_set(char **out, size_t *out_len, const struct ovm_version_file *vf,
    const char *buf, size_t len, const char *v, struct ovm_err *err)
{
	int changed = 0;

	if (vf->format == OVM_VF_NPM_LOCK)
		return ovm_npmlock_set_version(out, out_len, &changed, buf, len, v,
		    vf->path, err);
	return ovm_pkgjson_set_version(out, out_len, buf, len, v, vf->path, err);
}

const struct ovm_version_file *
plan_find_vf(const struct ovm_track *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n_version_files; i++)
		if (strcmp(t->version_files[i].path, path) == 0)
			return &t->version_files[i];
	return NULL;
}

int
plan_is_regular(unsigned mode)
{
	return mode == 0100644 || mode == 0100755;
}
