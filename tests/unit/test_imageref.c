#include "testutil.h"

#include "core/imageref.h"

/*
 * References -> the parts distribution/reference's ParseNormalizedNamed
 * gives (what BuildKit pulls), or an error with a message part.
 */

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H32 "0123456789abcdef0123456789abcdef"
#define T32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define T128 T32 T32 T32 T32
#define P64 "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"

struct row {
	const char *in;
	const char *domain;	/* NULL: an error is expected */
	const char *path;
	const char *tag;
	const char *digest;
	const char *msg;	/* error: part of the message */
};

static const struct row rows[] = {
	/* Docker Hub and "library/" */
	{ "alpine", "docker.io", "library/alpine", NULL, NULL, NULL },
	{ "alpine:3.20", "docker.io", "library/alpine", "3.20", NULL, NULL },
	{ "library/alpine:3", "docker.io", "library/alpine", "3", NULL, NULL },
	{ "docker.io/alpine:3", "docker.io", "library/alpine", "3", NULL,
	  NULL },
	{ "index.docker.io/alpine", "docker.io", "library/alpine", NULL, NULL,
	  NULL },
	{ "index.docker.io/foo/bar", "docker.io", "foo/bar", NULL, NULL,
	  NULL },
	{ "oomol/server-base:v0.6.0", "docker.io", "oomol/server-base",
	  "v0.6.0", NULL, NULL },
	{ "a/b/c:1", "docker.io", "a/b/c", "1", NULL, NULL },
	/* registries */
	{ "ghcr.io/oomol/server-base:v0.6.0", "ghcr.io", "oomol/server-base",
	  "v0.6.0", NULL, NULL },
	{ "ghcr.io/x", "ghcr.io", "x", NULL, NULL, NULL },
	{ "localhost/foo", "localhost", "foo", NULL, NULL, NULL },
	{ "localhost:5000/team/img:1.2.3", "localhost:5000", "team/img",
	  "1.2.3", NULL, NULL },
	{ "localhost:5000/team/img", "localhost:5000", "team/img", NULL, NULL,
	  NULL },
	{ "registry:5005/node", "registry:5005", "node", NULL, NULL, NULL },
	{ "127.0.0.1:5000/a:b", "127.0.0.1:5000", "a", "b", NULL, NULL },
	{ "[::1]:5000/a:b", "[::1]:5000", "a", "b", NULL, NULL },
	{ "[::1]/a", "[::1]", "a", NULL, NULL, NULL },
	{ "MyRegistry/img:1", "MyRegistry", "img", "1", NULL, NULL },
	{ "a-b.example.com/c", "a-b.example.com", "c", NULL, NULL, NULL },
	/* a name without '/' is never a host */
	{ "localhost:5000", "docker.io", "library/localhost", "5000", NULL,
	  NULL },
	{ "localhost", "docker.io", "library/localhost", NULL, NULL, NULL },
	{ "example.com", "docker.io", "library/example.com", NULL, NULL,
	  NULL },
	/* path components */
	{ "a.b.c/d_e__f--g.h/i:t", "a.b.c", "d_e__f--g.h/i", "t", NULL, NULL },
	{ "a/b___c", NULL, NULL, NULL, NULL, "repository name 'a/b___c'" },
	{ "a/b-", NULL, NULL, NULL, NULL, "not valid" },
	{ "a/.b", NULL, NULL, NULL, NULL, "not valid" },
	{ "a/b/", NULL, NULL, NULL, NULL, "not valid" },
	{ "docker.io//alpine", NULL, NULL, NULL, NULL, "not valid" },
	{ "/alpine:3.15", NULL, NULL, NULL, NULL, "not valid" },
	{ "a:b:c", NULL, NULL, NULL, NULL, "not valid" },
	{ "", NULL, NULL, NULL, NULL, "invalid reference format" },
	/* lower case */
	{ "myName/myPackage:0.6.2", NULL, NULL, NULL, NULL,
	  "repository name 'myPackage' must be lowercase" },
	{ "quay.io/myName/x", NULL, NULL, NULL, NULL,
	  "repository name 'myName/x' must be lowercase" },
	{ "ImageName", NULL, NULL, NULL, NULL,
	  "repository name 'library/ImageName' must be lowercase" },
	/* hosts */
	{ "foo_bar.com/x", NULL, NULL, NULL, NULL, "registry host" },
	{ "-a.com/x", NULL, NULL, NULL, NULL, "registry host '-a.com'" },
	{ "a..com/x", NULL, NULL, NULL, NULL, "registry host" },
	{ "a.com:/x", NULL, NULL, NULL, NULL, "registry host" },
	{ "a.com:8x/x", NULL, NULL, NULL, NULL, "registry host" },
	{ "[]:5000/x", NULL, NULL, NULL, NULL, "registry host" },
	{ "[fe80::1%eth0]:5000/a", NULL, NULL, NULL, NULL, "registry host" },
	/* tags */
	{ "a:_x", "docker.io", "library/a", "_x", NULL, NULL },
	{ "a:X_y-z.1-", "docker.io", "library/a", "X_y-z.1-", NULL, NULL },
	{ "a:" T128, "docker.io", "library/a", T128, NULL, NULL },
	{ "a:" T128 "a", NULL, NULL, NULL, NULL, "tag" },
	{ "a:", NULL, NULL, NULL, NULL, "tag '' is not valid" },
	{ "a:-x", NULL, NULL, NULL, NULL, "tag '-x'" },
	{ "a:.x", NULL, NULL, NULL, NULL, "tag '.x'" },
	{ "a:%%P%%", NULL, NULL, NULL, NULL, "tag" },
	/* digests */
	{ "a@sha256:" H64, "docker.io", "library/a", NULL, "sha256:" H64,
	  NULL },
	{ "a:1@sha256:" H64, "docker.io", "library/a", "1", "sha256:" H64,
	  NULL },
	{ "a@sha512:" H64 H64, "docker.io", "library/a", NULL,
	  "sha512:" H64 H64, NULL },
	{ "a:1@sha256:abc", NULL, NULL, NULL, NULL, "digest 'sha256:abc'" },
	{ "a@sha256:" H32, NULL, NULL, NULL, NULL,
	  "invalid checksum digest length" },
	{ "a@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef"
	  "0123456789abcdef", NULL, NULL, NULL, NULL,
	  "invalid checksum digest format" },
	{ "a@md5:" H32, NULL, NULL, NULL, NULL, "unsupported digest" },
	{ "a:1@SHA256:" H64, NULL, NULL, NULL, NULL, "digest format" },
	/* the case check reads up to the first ':', digest included */
	{ "a@SHA256:" H64, NULL, NULL, NULL, NULL,
	  "repository name 'library/a@SHA256' must be lowercase" },
	{ "a@b@sha256:" H64, NULL, NULL, NULL, NULL, "digest" },
	/* image IDs, length */
	{ H64, NULL, NULL, NULL, NULL, "image ID" },
	{ "x/" P64 P64 P64 P64, NULL, NULL, NULL, NULL, "255 characters" },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct ovm_imageref ref;
		struct ovm_err err = OVM_ERR_INIT;
		int rc = ovm_imageref_parse(&ref, r->in, &err);

		if (r->domain == NULL) {
			if (rc != OVM_EINPUT)
				fail_msg("'%s': accepted", r->in);
			if (strstr(err.msg, r->msg) == NULL)
				fail_msg("'%s': '%s' lacks '%s'", r->in,
				    err.msg, r->msg);
			assert_null(ref.domain);
			assert_null(ref.path);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s': %s", r->in, err.msg);
		assert_string_equal(ref.domain, r->domain);
		assert_string_equal(ref.path, r->path);
		if ((r->tag == NULL) != (ref.tag == NULL) ||
		    (r->tag != NULL && strcmp(r->tag, ref.tag) != 0))
			fail_msg("'%s': tag '%s'", r->in,
			    ref.tag != NULL ? ref.tag : "(null)");
		if ((r->digest == NULL) != (ref.digest == NULL) ||
		    (r->digest != NULL && strcmp(r->digest, ref.digest) != 0))
			fail_msg("'%s': digest '%s'", r->in,
			    ref.digest != NULL ? ref.digest : "(null)");
		ovm_imageref_free(&ref);
	}
}

static void
test_free_twice(void **state)
{
	struct ovm_imageref ref = OVM_IMAGEREF_INIT;

	(void)state;
	ovm_imageref_free(NULL);
	ovm_imageref_free(&ref);
	assert_int_equal(ovm_imageref_parse(&ref, "a:1", NULL), 0);
	ovm_imageref_free(&ref);
	ovm_imageref_free(&ref);
	assert_int_equal(ovm_imageref_parse(&ref, "A", NULL), OVM_EINPUT);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
