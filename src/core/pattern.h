#ifndef OVM_PATTERN_H
#define OVM_PATTERN_H

/*
 * Tag / commit templates (template.h) and GitHub-style path filters
 * (pathfilter.h), compiled to PCRE2 (pure: no I/O).  Both build their
 * expressions the same way (pattern.c): every literal byte is escaped, so
 * no text from a template or a path pattern can act as regex syntax.
 */

#include <stddef.h>

#include "core/pathfilter.h"
#include "core/template.h"

/* The linked PCRE2 version ("10.42") into buf. */
void ovm_pattern_pcre2_version(char *buf, size_t size);

#endif
