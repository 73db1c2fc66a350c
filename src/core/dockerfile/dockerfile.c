/*
 * The base image of a Dockerfile (doc/decisions.md#version-from-a-dockerfile).  This follows BuildKit's
 * frontend/dockerfile step by step, because the image that matters is the
 * one BuildKit builds, not the one a regex finds:
 *   parser/parser.go         physical lines, directives, continuations
 *                            (dfparse.c)
 *   parser/split_command.go  instruction name and --flags (dfinstr.c)
 *   parser/line_parsers.go   ARG words (quotes kept), FROM words (blanks)
 *                            (dfinstr.c, dfparse.c)
 *   instructions/parse.go    ARG pairs, FROM arity, stage names (dfparse.c)
 *   shell/lex.go             quotes, escapes, $ expansion, patterns
 *                            (dfshell.c over the variables of dfvars.c)
 *   dockerfile2llb           meta ARGs, builder ARGs, blank names, scratch
 *                            (here)
 * The names in comments (trimContinuationCharacter, parseWords, ...) point
 * at the Go function a piece mirrors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dockerfile/dfparse.h"
#include "core/dockerfile/dfshell.h"
#include "core/dockerfile/dftext.h"
#include "core/dockerfile/dockerfile.h"
#include "util/util.h"

/* ---- evaluation (dockerfile2llb) ------------------------------------ */

static const char hint_expand[] =
    "fix the quotes or the ${...} expression; ovm-release reads ARG "
    "defaults only, as a build without --build-arg does";

/* buildMetaArgs: each default is expanded with the ARGs before it. */
static int
eval_meta_args(struct df_parser *p, struct df_env *env, int strict)
{
	struct df_xres r = DF_XRES_INIT;
	char msg[512];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nargs; i++) {
		if (p->args[i].value == NULL)
			continue;	/* leaves the variable as it was */
		rc = df_expand(&r, p->args[i].value, p->esc, env, strict, msg,
		    sizeof(msg));
		if (rc == -1)
			rc = df_fail_at(p->err, p->path, p->args[i].line,
			    hint_expand, "ARG %s: cannot expand '%s': %s",
			    p->args[i].key, p->args[i].value, msg);
		else if (rc == 0 && df_env_set(env, p->args[i].key, &r) < 0)
			rc = OVM_ENOMEM;
		df_xr_free(&r);
	}
	return rc == OVM_ENOMEM ? df_oom(p->err) : rc;
}

static int
expand_stage(struct df_parser *p, const struct df_env *env,
    struct df_stage *st, int strict)
{
	char msg[512];
	int rc;

	rc = df_expand(&st->x, st->base, p->esc, env, strict, msg, sizeof(msg));
	if (rc == -1)
		return df_fail_at(p->err, p->path, st->line, hint_expand,
		    "cannot expand the FROM image '%s': %s", st->base, msg);
	return rc < 0 ? df_oom(p->err) : 0;
}

/* BuildKit's own checks of a FROM: a blank name, the --platform value. */
static int
check_stage(struct df_parser *p, const struct df_env *env,
    const struct df_stage *st)
{
	struct df_xres r = DF_XRES_INIT;
	char msg[512];
	int rc = 0;

	if (st->x.out.len == 0)
		return df_fail_at(p->err, p->path, st->line, "the image name "
		    "must not be empty: give the ARGs it uses a default value",
		    "base name '%s' should not be blank", st->base);
	if (st->platform == NULL)
		return 0;
	rc = df_expand(&r, st->platform, p->esc, env, 0, msg, sizeof(msg));
	if (rc == -1)
		rc = df_fail_at(p->err, p->path, st->line, hint_expand,
		    "cannot expand --platform '%s': %s", st->platform, msg);
	else if (rc == 0 && r.out.len == 0 && !r.maybe && r.taint == NULL)
		rc = df_fail_at(p->err, p->path, st->line, "give the ARGs in "
		    "--platform a default value, or remove the flag",
		    "empty platform value from expression '%s'",
		    st->platform);
	df_xr_free(&r);
	return rc == OVM_ENOMEM ? df_oom(p->err) : rc;
}

static const struct df_arg *
find_arg(const struct df_parser *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nargs; i++)
		if (strcmp(p->args[i].key, key) == 0)
			return &p->args[i];
	return NULL;
}

/* doc/decisions.md#version-from-a-dockerfile on top of BuildKit, then the reference grammar. */
static int
check_policy(struct df_parser *p, const struct df_env *env,
    const struct df_stage *st, unsigned flags, struct ovm_imageref *ref)
{
	struct ovm_err rerr = OVM_ERR_INIT;
	const char *img = st->x.out.ptr, *u = st->x.unset;
	int rc;

	if (st->x.taint != NULL)
		return df_fail_at(p->err, p->path, st->line, "a release "
		    "version cannot depend on the build platform: write the "
		    "image and tag without it", "the FROM image '%s' depends "
		    "on '%s', which the builder sets for each build", st->base,
		    st->x.taint);
	if ((flags & OVM_DF_STRICT) && u != NULL) {
		ovm_err_set_at(p->err, OVM_EINPUT, p->path, st->line,
		    "the FROM image '%s' uses '%s', %s (BuildKit would "
		    "silently make it empty)", st->base, u,
		    find_arg(p, u) != NULL ? "an ARG without a value" :
		    "which no ARG before the first FROM declares");
		return ovm_err_hint(p->err, "declare 'ARG %s=<value>' before "
		    "the first FROM, or write '${%s:-<value>}'", u, u);
	}
	rc = check_stage(p, env, st);
	if (rc < 0)
		return rc;
	if (strcmp(img, "scratch") == 0)
		return df_fail_at(p->err, p->path, st->line, "point the track "
		    "at a FROM that names an image with a tag (the track's "
		    "'stage' selects one)", "FROM scratch: the empty image has "
		    "no tag to release");
	rc = ovm_imageref_parse(ref, img, &rerr);
	if (rc == OVM_ENOMEM)
		return df_oom(p->err);
	if (rc < 0)
		return df_fail_at(p->err, p->path, st->line, "write "
		    "[host[:port]/]name[:tag][@sha256:<64 hex digits>], the "
		    "name in lower case", "invalid image reference '%s': %s",
		    img, rerr.msg);
	if (ref->tag == NULL && ref->digest != NULL) {
		df_fail_at(p->err, p->path, st->line, "", "image '%s' is "
		    "pinned by digest; no tag to release", img);
		return ovm_err_hint(p->err, "keep the pin and name the "
		    "version: '<image>:<tag>@%s'", ref->digest);
	}
	if (ref->tag == NULL) {
		df_fail_at(p->err, p->path, st->line, "", "image '%s' has no "
		    "tag", img);
		return ovm_err_hint(p->err, "add the version tag, e.g. "
		    "'%s:1.2.3' (without one the builder pulls ':latest')",
		    img);
	}
	return 0;
}

/*
 * The FROM that declares AS <stage> (the last one, as --target picks),
 * followed through "FROM <earlier stage>" to the FROM naming an image.
 * Every FROM is expanded first: BuildKit fails on any of them.
 */
static int
select_stage(struct df_parser *p, const struct df_env *env,
    const char *stage, unsigned flags, size_t *out)
{
	struct ovm_buf names = OVM_BUF_INIT;
	const struct df_stage *st;
	size_t i, j, idx = SIZE_MAX;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nstages; i++)
		rc = expand_stage(p, env, &p->stages[i], flags & OVM_DF_STRICT);
	if (rc < 0)
		return rc;
	for (i = 0; i < p->nstages; i++)
		if (p->stages[i].name != NULL &&
		    strcasecmp(p->stages[i].name, stage) == 0)
			idx = i;
	if (idx == SIZE_MAX) {
		for (i = 0; rc == 0 && i < p->nstages; i++)
			if (p->stages[i].name != NULL)
				rc = ovm_buf_printf(&names, "%s'%s'",
				    names.len > 0 ? ", " : "",
				    p->stages[i].name);
		if (rc < 0) {
			ovm_buf_free(&names);
			return df_oom(p->err);
		}
		ovm_err_set_at(p->err, OVM_EINPUT, p->path, p->lineno,
		    "no FROM declares the stage '%s'", stage);
		if (names.len > 0)
			ovm_err_hint(p->err, "the stages are %s", names.ptr);
		else
			ovm_err_hint(p->err, "name a stage with 'FROM <image> "
			    "AS <stage>', or leave out the track's 'stage'");
		ovm_buf_free(&names);
		return OVM_EINPUT;
	}
	for (;;) {
		st = &p->stages[idx];
		if (st->x.taint != NULL ||
		    ((flags & OVM_DF_STRICT) && st->x.unset != NULL))
			break;
		for (j = idx; j-- > 0;)
			if (p->stages[j].name != NULL &&
			    strcmp(p->stages[j].name, st->x.out.ptr) == 0)
				break;
		if (j == SIZE_MAX)
			break;
		idx = j;
	}
	for (i = 0; rc == 0 && i < p->nstages; i++)
		if (i != idx)
			rc = check_stage(p, env, &p->stages[i]);
	*out = idx;
	return rc;
}

int
ovm_dockerfile_from(struct ovm_dockerfile_from *out, const char *buf,
    size_t len, const char *path, const char *stage, unsigned flags,
    struct ovm_err *err)
{
	struct df_parser p;
	struct df_env env = { NULL, 0 };
	const struct df_stage *st;
	const char *t;
	size_t idx = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.len = len;
	p.path = path;
	p.esc = '\\';
	p.err = err;
	rc = df_check_encoding(&p);
	if (rc < 0)
		goto done;
	rc = df_parse_file(&p, stage != NULL);
	if (rc < 0)
		goto done;
	if (df_env_init(&env) < 0) {
		rc = df_oom(err);
		goto done;
	}
	rc = eval_meta_args(&p, &env, flags & OVM_DF_STRICT);
	if (rc < 0)
		goto done;
	if (stage != NULL)
		rc = select_stage(&p, &env, stage, flags, &idx);
	else
		rc = expand_stage(&p, &env, &p.stages[0],
		    flags & OVM_DF_STRICT);
	if (rc < 0)
		goto done;
	st = &p.stages[idx];
	rc = check_policy(&p, &env, st, flags, &out->ref);
	if (rc < 0)
		goto done;

	t = out->ref.tag;
	out->line = st->line;
	out->image_ref = strdup(st->x.out.ptr);
	out->tag = strdup(t);
	out->version = strdup(t[0] == 'v' && df_is_digit((unsigned char)t[1]) ?
	    t + 1 : t);
	out->digest = ovm_strdup(out->ref.digest);
	out->stage = ovm_strdup(st->name);
	if (out->image_ref == NULL || out->tag == NULL ||
	    out->version == NULL || (out->ref.digest != NULL &&
	    out->digest == NULL) || (st->name != NULL && out->stage == NULL))
		rc = df_oom(err);
done:
	df_parser_free(&p);
	df_env_free(&env);
	if (rc < 0)
		ovm_dockerfile_from_free(out);
	return rc;
}

void
ovm_dockerfile_from_free(struct ovm_dockerfile_from *f)
{
	if (f == NULL)
		return;
	free(f->image_ref);
	free(f->tag);
	free(f->digest);
	free(f->version);
	free(f->stage);
	ovm_imageref_free(&f->ref);
	memset(f, 0, sizeof(*f));
}
