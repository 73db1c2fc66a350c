#ifndef OVM_DFVARS_H
#define OVM_DFVARS_H

/*
 * The variables a Dockerfile's meta ARGs define (internal to the Dockerfile
 * reader), and what each value depends on: a builder-provided ARG (whose
 * value only the build knows) or a variable used bare without a value.
 * Pure.
 */

#include <stddef.h>

#include "util/util.h"

struct df_var {
	char *name;
	char *value;
	const char *taint;	/* builder ARG the value depends on */
	char *unset;		/* variable used bare without a value */
	int maybe_empty;	/* whether it is empty depends on the builder */
	int builtin;		/* set by the builder, not by an ARG */
};

struct df_env {
	struct df_var *v;
	size_t n;
};

/* An expansion: its text, and what the text depends on. */
struct df_xres {
	struct ovm_buf out;
	const char *taint;	/* builder ARG the text depends on */
	char *unset;		/* first variable used bare, valueless */
	int nonempty;		/* non-empty whatever the builder does */
	int maybe;		/* holds builder values that may be empty */
	int oom;
};

#define DF_XRES_INIT { OVM_BUF_INIT, NULL, NULL, 0, 0, 0 }

/* Frees r's text and names and zeroes it. */
void df_xr_free(struct df_xres *r);

/* Appends literal text. */
void df_xr_text(struct df_xres *r, const char *s, size_t n);

/* Records name[0..n) as used bare without a value (the first one only). */
void df_xr_unset(struct df_xres *r, const char *name, size_t n);

/* The text now depends on what v's value depends on. */
void df_xr_depends(struct df_xres *r, const struct df_var *v);

/* The text depends on whether v is empty. */
void df_xr_depends_empty(struct df_xres *r, const struct df_var *v);

/* Appends v's value with what it depends on. */
void df_xr_var(struct df_xres *r, const struct df_var *v);

/* Appends w (a modifier's word) with all it depends on. */
void df_xr_merge(struct df_xres *r, struct df_xres *w);

/* What w depends on, without its text (a pattern, a replacement). */
void df_xr_merge_deps(struct df_xres *r, struct df_xres *w);

/* The variable named name[0..n) (borrowed), NULL when unset. */
const struct df_var *df_env_get(const struct df_env *env, const char *name,
    size_t n);

/*
 * AddOrReplace: name = r's text, with what it depends on.  Takes r's text
 * and unset name.  0 or OVM_ENOMEM.
 */
int df_env_set(struct df_env *env, const char *name, struct df_xres *r);

/*
 * Sets the builder-provided ARGs (TARGETARCH, BUILDPLATFORM, ...), each to
 * "${NAME}" tainted by itself.  Allocates; 0 or OVM_ENOMEM.
 */
int df_env_init(struct df_env *env);

void df_env_free(struct df_env *env);

#endif
