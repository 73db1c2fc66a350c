/*
 * The variables of a Dockerfile's meta ARGs and what each value depends on
 * (dockerfile2llb's defaultArgs and shell.EnvGetter, plus the taint that
 * lets policy refuse a reference only the build can resolve).
 */
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dftext.h"
#include "core/dockerfile/dfvars.h"

/*
 * Builder-provided ARGs (dockerfile2llb defaultArgs): always set, to a
 * value only the build knows.  The *VARIANT and *OSVERSION ones may be
 * empty (linux/amd64 has no variant).
 */
static const struct {
	const char *name;
	int maybe_empty;
} builder_args[] = {
	{ "BUILDPLATFORM", 0 }, { "BUILDOS", 0 }, { "BUILDOSVERSION", 1 },
	{ "BUILDARCH", 0 }, { "BUILDVARIANT", 1 }, { "TARGETPLATFORM", 0 },
	{ "TARGETOS", 0 }, { "TARGETOSVERSION", 1 }, { "TARGETARCH", 0 },
	{ "TARGETVARIANT", 1 }, { "TARGETSTAGE", 0 },
};

void
df_xr_free(struct df_xres *r)
{
	ovm_buf_free(&r->out);
	free(r->unset);
	memset(r, 0, sizeof(*r));
}

void
df_xr_text(struct df_xres *r, const char *s, size_t n)
{
	if (ovm_buf_add(&r->out, s, n) < 0)
		r->oom = 1;
	if (n > 0)
		r->nonempty = 1;
}

void
df_xr_unset(struct df_xres *r, const char *name, size_t n)
{
	if (r->unset != NULL)
		return;
	r->unset = df_dup_n(name, n);
	if (r->unset == NULL)
		r->oom = 1;
}

/* The text now depends on what v's value depends on. */
void
df_xr_depends(struct df_xres *r, const struct df_var *v)
{
	if (r->taint == NULL)
		r->taint = v->taint;
	if (v->unset != NULL)
		df_xr_unset(r, v->unset, strlen(v->unset));
}

/* The text depends on whether v is empty. */
void
df_xr_depends_empty(struct df_xres *r, const struct df_var *v)
{
	if (v->maybe_empty && r->taint == NULL)
		r->taint = v->taint;
	if (v->unset != NULL)
		df_xr_unset(r, v->unset, strlen(v->unset));
}

void
df_xr_var(struct df_xres *r, const struct df_var *v)
{
	if (ovm_buf_puts(&r->out, v->value) < 0)
		r->oom = 1;
	df_xr_depends(r, v);
	if (v->maybe_empty)
		r->maybe = 1;
	else if (v->value[0] != '\0')
		r->nonempty = 1;
}

/* Appends w (a modifier's word) with all it depends on. */
void
df_xr_merge(struct df_xres *r, struct df_xres *w)
{
	if (ovm_buf_add(&r->out, w->out.ptr != NULL ? w->out.ptr : "",
	    w->out.len) < 0)
		r->oom = 1;
	if (r->taint == NULL)
		r->taint = w->taint;
	if (w->unset != NULL && r->unset == NULL) {
		r->unset = w->unset;
		w->unset = NULL;
	}
	r->nonempty |= w->nonempty;
	r->maybe |= w->maybe;
	r->oom |= w->oom;
}

/* What w depends on, without its text (a pattern, a replacement). */
void
df_xr_merge_deps(struct df_xres *r, struct df_xres *w)
{
	if (r->taint == NULL)
		r->taint = w->taint;
	if (w->unset != NULL && r->unset == NULL) {
		r->unset = w->unset;
		w->unset = NULL;
	}
	r->oom |= w->oom;
}

const struct df_var *
df_env_get(const struct df_env *env, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < env->n; i++)
		if (strlen(env->v[i].name) == n &&
		    memcmp(env->v[i].name, name, n) == 0)
			return &env->v[i];
	return NULL;
}

static void
var_clear(struct df_var *v)
{
	free(v->value);
	free(v->unset);
	v->value = v->unset = NULL;
}

/* AddOrReplace: name = r's text, with what it depends on. */
int
df_env_set(struct df_env *env, const char *name, struct df_xres *r)
{
	struct df_var *v = (struct df_var *)df_env_get(env, name, strlen(name));
	struct df_var *nv;

	if (v == NULL) {
		nv = realloc(env->v, (env->n + 1) * sizeof(*nv));
		if (nv == NULL)
			return OVM_ENOMEM;
		env->v = nv;
		v = &env->v[env->n];
		memset(v, 0, sizeof(*v));
		v->name = strdup(name);
		if (v->name == NULL)
			return OVM_ENOMEM;
		env->n++;
	}
	var_clear(v);
	v->value = ovm_buf_detach(&r->out);
	if (v->value == NULL)
		return OVM_ENOMEM;
	v->taint = r->taint;
	v->unset = r->unset;
	r->unset = NULL;
	v->maybe_empty = r->maybe && !r->nonempty;
	v->builtin = 0;
	return 0;
}

int
df_env_init(struct df_env *env)
{
	struct df_xres r = DF_XRES_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(builder_args) /
	    sizeof(builder_args[0]); i++) {
		/* The corpus shows such references as ${NAME}. */
		rc = ovm_buf_printf(&r.out, "${%s}", builder_args[i].name);
		r.taint = builder_args[i].name;
		r.nonempty = !builder_args[i].maybe_empty;
		r.maybe = builder_args[i].maybe_empty;
		if (rc == 0)
			rc = df_env_set(env, builder_args[i].name, &r);
		if (rc == 0)
			env->v[env->n - 1].builtin = 1;
		df_xr_free(&r);
	}
	return rc;
}

void
df_env_free(struct df_env *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->v[i].name);
		var_clear(&env->v[i]);
	}
	free(env->v);
	env->v = NULL;
	env->n = 0;
}
