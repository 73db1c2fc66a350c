#ifndef OVM_REGISTRY_H
#define OVM_REGISTRY_H

/*
 * Does an image's tag exist in its registry (OCI distribution API)?
 * HEAD /v2/<name>/manifests/<tag> with the OCI index, OCI manifest,
 * Docker manifest list and Docker manifest Accept types; a 401 Bearer
 * challenge is followed to the token endpoint (anonymous, with
 * ~/.docker/config.json credentials, or OVM_RELEASE_REGISTRY_TOKEN).
 */

#include <stddef.h>

#include "core/imageref.h"
#include "util/err.h"

struct ovm_bearer {
	char *realm, *service, *scope;
};

/* Parses a WWW-Authenticate "Bearer k=v,..." challenge (pure). */
int ovm_bearer_parse(struct ovm_bearer *out, const char *header,
    struct ovm_err *err);
void ovm_bearer_free(struct ovm_bearer *b);

/*
 * The registry's base URL for a domain: docker.io -> registry-1.docker.io;
 * loopback (localhost, 127.0.0.0/8, [::1], with or without a port) over
 * plain HTTP as Docker does; everything else HTTPS.  Allocates (pure).
 */
int ovm_registry_base_url(char **out, const char *domain, struct ovm_err *err);

/*
 * Credentials for host from a ~/.docker/config.json buffer: "auths" keyed
 * by host (docker.io also as https://index.docker.io/v1/), "auth" as
 * base64 user:password or "username"/"password".  *user_out NULL when
 * none.  Allocates (pure).
 */
int ovm_docker_config_auth(char **user_out, char **pass_out, const char *json,
    size_t len, const char *domain, struct ovm_err *err);

struct ovm_image_check {
	int found;		/* the tag exists */
	long status;		/* the manifest request's final status */
	char *digest;		/* Docker-Content-Digest, NULL when absent */
	char *url;		/* the manifest URL asked */
};

/* Asks the registry; OVM_EENV on network/auth failures. */
int ovm_registry_check(struct ovm_image_check *out,
    const struct ovm_imageref *ref, struct ovm_err *err);
void ovm_image_check_free(struct ovm_image_check *c);

#endif
