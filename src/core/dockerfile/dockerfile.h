#ifndef OVM_DOCKERFILE_H
#define OVM_DOCKERFILE_H

/*
 * The base image of a Dockerfile, read the way BuildKit reads it
 * (frontend/dockerfile: parser, instructions, shell lexer, dockerfile2llb):
 *
 * - one UTF-8 BOM is stripped; anything that is not UTF-8 (a UTF-16 BOM, a
 *   NUL byte, an invalid sequence) is an error;
 * - parser directives (syntax, escape, check; keys in any case) only at the
 *   very top; a line ends at LF, trailing CRs removed;
 * - the escape character at the end of a line (trailing blanks allowed)
 *   joins the next line, which keeps its leading blanks; comment and blank
 *   lines inside a continuation are dropped;
 * - instructions in any case; only ARG before the first FROM;
 * - FROM [--platform=...] IMAGE [AS name]: words split on blanks, quotes
 *   removed by the shell lexer, the stage name lower-cased and not expanded;
 * - ARGs before the first FROM ("meta" ARGs; "ARG A B" declares two) are
 *   expanded in order with $X ${X} ${X:-w} ${X-w} ${X:+w} ${X+w} ${X:?m}
 *   ${X?m} ${X#p} ${X##p} ${X%p} ${X%%p} ${X/p/r} ${X//p/r} (p: * ? \x);
 *   an ARG without a value leaves the variable unset (or as it was);
 * - builder-provided ARGs (TARGETARCH, BUILDPLATFORM, TARGETSTAGE, ...) are
 *   always set; a reference whose text depends on one is an error.
 * Variable names are ASCII ([A-Za-z0-9_]); ${...} nests 64 deep at most.
 * Without a stage, reading stops at the first FROM; with one, the whole
 * file is read (here-document bodies of RUN/COPY/ADD skipped) and every
 * FROM is expanded, as BuildKit fails on any of them.
 *
 * Policy on top of BuildKit (doc/decisions.md#version-from-a-dockerfile): FROM scratch, a reference without a
 * tag, and a digest without a tag are errors; with OVM_DF_STRICT, so is a
 * bare $NAME / ${NAME} in the reference whose ARG is undeclared or has no
 * value (BuildKit would make it "" and build another image), and any use of
 * a builder-provided ARG.
 */

#include <stddef.h>

#include "core/imageref.h"
#include "util/err.h"

#define OVM_DF_STRICT 0x1

struct ovm_dockerfile_from {
	char *image_ref;	/* the reference after ARG expansion */
	char *tag;		/* never NULL on success */
	char *digest;		/* NULL when none */
	char *version;		/* tag less one leading 'v' before a digit */
	char *stage;		/* lower-cased AS name, NULL when none */
	int line;		/* 1-based line where that FROM starts */
	struct ovm_imageref ref;	/* image_ref parsed */
};

/*
 * Reads the first FROM of the Dockerfile in buf[0..len) or, when stage is
 * not NULL, the FROM that declares "AS <stage>" (case-insensitive; the last
 * one when repeated, as BuildKit's --target).  When that FROM names an
 * earlier stage instead of an image, the chain is followed to the image;
 * out->line and out->stage then describe the FROM that names it.
 *
 * Fills *out (allocates; release with ovm_dockerfile_from_free).  Returns 0,
 * OVM_EINPUT (err has path:line and a hint) or OVM_ENOMEM.  path is used in
 * messages only.  No I/O.
 */
int ovm_dockerfile_from(struct ovm_dockerfile_from *out, const char *buf,
    size_t len, const char *path, const char *stage, unsigned flags,
    struct ovm_err *err);

void ovm_dockerfile_from_free(struct ovm_dockerfile_from *f);

#endif
