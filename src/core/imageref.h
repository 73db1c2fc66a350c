#ifndef OVM_IMAGEREF_H
#define OVM_IMAGEREF_H

/*
 * Container image references, parsed as distribution/reference's
 * ParseNormalizedNamed does (the parser BuildKit uses for FROM):
 *
 *	[host[:port]/]path[:tag][@algo:hex]
 *
 * A first component is a registry host only when a '/' follows it and it
 * holds a '.' or a ':', is "localhost", or has upper case; otherwise the
 * host is docker.io, where a one-part path gets "library/".  So
 * "localhost:5000" alone is the image "library/localhost" with the tag
 * "5000", and "localhost:5000/team/img" has no tag.  Path components are
 * lower case ([a-z0-9] runs joined by '.', '_', '__' or dashes); a tag is
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a digest is sha256/sha384/sha512 with
 * 64/96/128 lower-case hex digits.
 *
 * One deliberate difference: a first component that looks like a host but
 * is not a valid host name ("foo_bar.com/x", which distribution/reference
 * turns into a reference with an empty domain) is rejected.
 */

#include "util/err.h"

struct ovm_imageref {
	char *domain;	/* "docker.io", "ghcr.io", "localhost:5000" */
	char *path;	/* "library/alpine", "oomol/server-base" */
	char *tag;	/* NULL when none */
	char *digest;	/* "sha256:...", NULL when none */
};

#define OVM_IMAGEREF_INIT { NULL, NULL, NULL, NULL }

/*
 * Parses ref into *out (allocates every field; release with
 * ovm_imageref_free).  Returns 0, OVM_EINPUT with a message naming what is
 * wrong, or OVM_ENOMEM.  On failure *out is left empty.
 */
int ovm_imageref_parse(struct ovm_imageref *out, const char *ref,
    struct ovm_err *err);

void ovm_imageref_free(struct ovm_imageref *r);

#endif
