#ifndef OVM_DFSHELL_H
#define OVM_DFSHELL_H

/*
 * BuildKit's shell lexer (frontend/dockerfile/shell/lex.go) for one word of
 * a Dockerfile (internal to the Dockerfile reader): quotes, escapes, $X and
 * ${X} with the modifiers - + ? # ## % %% / // and their shell patterns
 * (* ? \x).  Pure.
 */

#include <stddef.h>

#include "core/dockerfile/dfvars.h"

/*
 * ProcessWordWithMatches: expands word with the variables of env into *r
 * (appends; r tracks what the text depends on).  esc is the escape
 * character; strict makes any use of a builder ARG a dependency.  Returns
 * 0, -1 with BuildKit's error in msg, or OVM_ENOMEM.
 */
int df_expand(struct df_xres *r, const char *word, char esc,
    const struct df_env *env, int strict, char *msg, size_t msgsz);

#endif
