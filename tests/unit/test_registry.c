#include "testutil.h"

#include "net/registry.h"

/*
 * The pure parts of registry.c: the WWW-Authenticate Bearer challenge
 * (RFC 6750 / RFC 9110 auth-params, as registries send it), the base URL
 * of a registry domain (doc/decisions.md#image-checks: docker.io -> registry-1.docker.io,
 * loopback over plain HTTP as Docker does), and the credentials of a
 * ~/.docker/config.json "auths" entry.
 */

/* ---- Bearer challenges ----------------------------------------------- */

struct bearer_row {
	const char *in;
	int code;		/* 0 or the expected error */
	const char *realm, *service, *scope;
	const char *msg;	/* error: part of the message */
};

static const struct bearer_row bearer_rows[] = {
	/* as Docker Hub, ghcr.io and distribution send them */
	{ "Bearer realm=\"https://auth.docker.io/token\","
	  "service=\"registry.docker.io\","
	  "scope=\"repository:library/alpine:pull\"", 0,
	  "https://auth.docker.io/token", "registry.docker.io",
	  "repository:library/alpine:pull", NULL },
	{ "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\","
	  "scope=\"repository:oomol/server-base:pull\"", 0,
	  "https://ghcr.io/token", "ghcr.io",
	  "repository:oomol/server-base:pull", NULL },
	{ "Bearer realm=\"http://127.0.0.1:5001/auth\"", 0,
	  "http://127.0.0.1:5001/auth", NULL, NULL, NULL },
	/* unquoted values (token68-free auth-params) */
	{ "Bearer realm=https://a.example/token,service=reg", 0,
	  "https://a.example/token", "reg", NULL, NULL },
	{ "Bearer service=reg,realm=https://a.example/token", 0,
	  "https://a.example/token", "reg", NULL, NULL },
	/* spaces: after commas, around '=', tabs, a trailing comma */
	{ "Bearer realm=\"r\", service=\"s\", scope=\"x\"", 0, "r", "s", "x",
	  NULL },
	{ "Bearer  realm = \"r\" ,  service = \"s\"", 0, "r", "s", NULL, NULL },
	{ "Bearer\trealm=\"r\",\tservice=\"s\",", 0, "r", "s", NULL, NULL },
	{ "Bearer ,realm=\"r\"", 0, "r", NULL, NULL, NULL },
	/* the scheme and the parameter names are case-insensitive */
	{ "bearer realm=\"r\"", 0, "r", NULL, NULL, NULL },
	{ "BEARER Realm=\"r\",SERVICE=\"s\",Scope=\"x\"", 0, "r", "s", "x",
	  NULL },
	/* quoted values keep commas, spaces and escaped quotes */
	{ "Bearer realm=\"r\",scope=\"repository:a/b:pull,push\"", 0, "r",
	  NULL, "repository:a/b:pull,push", NULL },
	{ "Bearer realm=\"r\",scope=\"repository:a:pull repository:b:pull\"",
	  0, "r", NULL, "repository:a:pull repository:b:pull", NULL },
	{ "Bearer realm=\"a\\\"b\\\\c\"", 0, "a\"b\\c", NULL, NULL, NULL },
	{ "Bearer realm=\"https://a.example/token?x=1&y=2\"", 0,
	  "https://a.example/token?x=1&y=2", NULL, NULL, NULL },
	/* extra parameters are ignored */
	{ "Bearer realm=\"r\",service=\"s\",scope=\"x\","
	  "error=\"insufficient_scope\"", 0, "r", "s", "x", NULL },
	{ "Bearer error=\"invalid_token\",error_description=\"expired, "
	  "realm=evil\",realm=\"r\"", 0, "r", NULL, NULL, NULL },
	{ "Bearer foo=bar,realm=\"r\",baz", 0, "r", NULL, NULL, NULL },
	/* no realm, an empty one, or not Bearer at all */
	{ "Bearer service=\"s\",scope=\"x\"", OVM_EINPUT, NULL, NULL, NULL,
	  "without a realm" },
	{ "Bearer realm=\"\",service=\"s\"", OVM_EINPUT, NULL, NULL, NULL,
	  "without a realm" },
	{ "Bearer realm=", OVM_EINPUT, NULL, NULL, NULL, "without a realm" },
	{ "Bearer ", OVM_EINPUT, NULL, NULL, NULL, "without a realm" },
	{ "Bearer", OVM_EINPUT, NULL, NULL, NULL, "Bearer" },
	{ "Bearerrealm=\"r\"", OVM_EINPUT, NULL, NULL, NULL,
	  "not a Bearer challenge" },
	{ "Basic realm=\"Registry\"", OVM_EINPUT, NULL, NULL, NULL,
	  "not a Bearer challenge" },
	{ "", OVM_EINPUT, NULL, NULL, NULL, "not a Bearer challenge" },
	{ NULL, OVM_EINPUT, NULL, NULL, NULL, "not a Bearer challenge" },
};

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

#define SHOW(s) ((s) != NULL ? (s) : "(null)")

/* Reports every bad row (not only the first), then fails. */
#define BAD(...) do { print_error(__VA_ARGS__); print_error("\n"); bad++; } \
	while (0)

static void
test_bearer(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bearer_rows) / sizeof(bearer_rows[0]); i++) {
		const struct bearer_row *r = &bearer_rows[i];
		struct ovm_bearer b;
		struct ovm_err err = OVM_ERR_INIT;
		int rc = ovm_bearer_parse(&b, r->in, &err);

		if (rc != r->code)
			BAD("row %zu '%s': rc %d, want %d (%s)", i, SHOW(r->in),
			    rc, r->code, err.msg);
		else if (rc < 0 && strstr(err.msg, r->msg) == NULL)
			BAD("row %zu '%s': '%s' lacks '%s'", i, SHOW(r->in),
			    err.msg, r->msg);
		else if (rc < 0 && (b.realm != NULL || b.service != NULL ||
		    b.scope != NULL))
			BAD("row %zu: fields left after an error", i);
		else if (rc == 0 && (!same(b.realm, r->realm) ||
		    !same(b.service, r->service) || !same(b.scope, r->scope)))
			BAD("row %zu '%s': realm [%s] service [%s] scope [%s]",
			    i, r->in, SHOW(b.realm), SHOW(b.service),
			    SHOW(b.scope));
		if (rc == 0) {
			ovm_bearer_free(&b);
			if (b.realm != NULL)
				BAD("row %zu: realm left after free", i);
		}
	}
	if (bad > 0)
		fail_msg("%d bad row(s)", bad);
}

static void
test_bearer_free(void **state)
{
	struct ovm_bearer b = { NULL, NULL, NULL };

	(void)state;
	ovm_bearer_free(NULL);
	ovm_bearer_free(&b);
	assert_int_equal(ovm_bearer_parse(&b, "Bearer realm=r", NULL), 0);
	ovm_bearer_free(&b);
	ovm_bearer_free(&b);
	assert_int_equal(ovm_bearer_parse(&b, "Basic", NULL), OVM_EINPUT);
}

/* ---- base URLs ---------------------------------------------------------- */

struct url_row {
	const char *domain, *url;
};

static const struct url_row url_rows[] = {
	/* Docker Hub */
	{ "docker.io", "https://registry-1.docker.io" },
	{ "index.docker.io", "https://registry-1.docker.io" },
	{ "registry-1.docker.io", "https://registry-1.docker.io" },
	/* everything else as named, over HTTPS */
	{ "ghcr.io", "https://ghcr.io" },
	{ "quay.io:443", "https://quay.io:443" },
	{ "registry.example.com:5000", "https://registry.example.com:5000" },
	{ "registry:5005", "https://registry:5005" },
	/* loopback over plain HTTP: localhost, 127.0.0.0/8, [::1] */
	{ "localhost", "http://localhost" },
	{ "localhost:5000", "http://localhost:5000" },
	{ "127.0.0.1", "http://127.0.0.1" },
	{ "127.0.0.1:5000", "http://127.0.0.1:5000" },
	{ "127.1.2.3:8080", "http://127.1.2.3:8080" },
	{ "127.255.255.254", "http://127.255.255.254" },
	{ "[::1]", "http://[::1]" },
	{ "[::1]:5000", "http://[::1]:5000" },
	/*
	 * names that only look like loopback are other hosts: no lookup is
	 * made, so a DNS name is never taken for a 127.0.0.0/8 address
	 * (plain HTTP to a remote host would expose the credentials)
	 */
	{ "localhost.example.com", "https://localhost.example.com" },
	{ "localhostx:5000", "https://localhostx:5000" },
	{ "mylocalhost:5000", "https://mylocalhost:5000" },
	{ "127.example.com", "https://127.example.com" },
	{ "128.0.0.1:5000", "https://128.0.0.1:5000" },
	{ "10.0.0.1:5000", "https://10.0.0.1:5000" },
	{ "[::2]:5000", "https://[::2]:5000" },
	{ "[::1]x", "https://[::1]x" },
};

static void
test_base_url(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(url_rows) / sizeof(url_rows[0]); i++) {
		const struct url_row *r = &url_rows[i];
		struct ovm_err err = OVM_ERR_INIT;
		char *url = NULL;
		int rc = ovm_registry_base_url(&url, r->domain, &err);

		if (rc != 0)
			BAD("'%s': %s", r->domain, err.msg);
		else if (strcmp(url, r->url) != 0)
			BAD("'%s': got '%s', want '%s'", r->domain, url, r->url);
		free(url);
	}
	if (bad > 0)
		fail_msg("%d bad row(s)", bad);
}

/* ---- ~/.docker/config.json -------------------------------------------- */

struct auth_row {
	const char *json, *domain;
	int code;
	const char *user, *pass;	/* NULL: no credentials */
	const char *msg;		/* error: part of the message */
};

/* base64 of "user:pass", "u:p", "user:pa:ss", "user:pass1", "user" */
#define B_USERPASS "dXNlcjpwYXNz"
#define B_UP "dTpw"
#define B_COLONS "dXNlcjpwYTpzcw=="
#define B_PASS1 "dXNlcjpwYXNzMQ=="
#define B_PASS1_NOPAD "dXNlcjpwYXNzMQ"
#define B_NOCOLON "dXNlcg=="

static const struct auth_row auth_rows[] = {
	/* "auth": base64 of user:password, padded or not */
	{ "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" B_USERPASS "\"}}}",
	  "127.0.0.1:5000", 0, "user", "pass", NULL },
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_UP "\"}}}", "ghcr.io", 0,
	  "u", "p", NULL },
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_PASS1 "\"}}}", "ghcr.io", 0,
	  "user", "pass1", NULL },
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_PASS1_NOPAD "\"}}}",
	  "ghcr.io", 0, "user", "pass1", NULL },
	/* the password is everything after the first ':' */
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_COLONS "\"}}}", "ghcr.io", 0,
	  "user", "pa:ss", NULL },
	/* "username" and "password" */
	{ "{\"auths\":{\"ghcr.io\":{\"username\":\"bob\",\"password\":\"pw\"}}}",
	  "ghcr.io", 0, "bob", "pw", NULL },
	/* "auth" wins over "username"/"password", as in the docker CLI */
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_UP "\",\"username\":\"bob\","
	  "\"password\":\"pw\"}}}", "ghcr.io", 0, "u", "p", NULL },
	/* an empty "auth" falls back to username/password */
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"\",\"username\":\"bob\","
	  "\"password\":\"pw\"}}}", "ghcr.io", 0, "bob", "pw", NULL },
	/* keys written as URLs */
	{ "{\"auths\":{\"https://ghcr.io\":{\"auth\":\"" B_UP "\"}}}",
	  "ghcr.io", 0, "u", "p", NULL },
	{ "{\"auths\":{\"http://localhost:5000/v2/\":{\"auth\":\"" B_UP "\"}}}",
	  "localhost:5000", 0, "u", "p", NULL },
	/* Docker Hub: the docker CLI's key, and the other names */
	{ "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" B_UP
	  "\"}}}", "docker.io", 0, "u", "p", NULL },
	{ "{\"auths\":{\"index.docker.io\":{\"auth\":\"" B_UP "\"}}}",
	  "docker.io", 0, "u", "p", NULL },
	{ "{\"auths\":{\"registry-1.docker.io\":{\"auth\":\"" B_UP "\"}}}",
	  "docker.io", 0, "u", "p", NULL },
	{ "{\"auths\":{\"docker.io\":{\"auth\":\"" B_UP "\"}}}", "docker.io", 0,
	  "u", "p", NULL },
	/* the right entry among several */
	{ "{\"auths\":{\"quay.io\":{\"auth\":\"" B_USERPASS "\"},"
	  "\"ghcr.io\":{\"auth\":\"" B_UP "\"}}}", "ghcr.io", 0, "u", "p",
	  NULL },
	/* no entry for the host: no credentials, no error */
	{ "{\"auths\":{\"quay.io\":{\"auth\":\"" B_UP "\"}}}", "ghcr.io", 0,
	  NULL, NULL, NULL },
	{ "{\"auths\":{\"ghcr.io.evil.example\":{\"auth\":\"" B_UP "\"}}}",
	  "ghcr.io", 0, NULL, NULL, NULL },
	{ "{\"auths\":{\"ghcr\":{\"auth\":\"" B_UP "\"}}}", "ghcr.io", 0, NULL,
	  NULL, NULL },
	{ "{\"auths\":{\"127.0.0.1:5001\":{\"auth\":\"" B_UP "\"}}}",
	  "127.0.0.1:5000", 0, NULL, NULL, NULL },
	{ "{\"auths\":{\"127.0.0.1\":{\"auth\":\"" B_UP "\"}}}",
	  "127.0.0.1:5000", 0, NULL, NULL, NULL },
	/* a short host name is not Docker Hub (no prefix match) */
	{ "{\"auths\":{\"registry\":{\"auth\":\"" B_UP "\"}}}", "docker.io", 0,
	  NULL, NULL, NULL },
	{ "{\"auths\":{\"index\":{\"auth\":\"" B_UP "\"}}}", "docker.io", 0,
	  NULL, NULL, NULL },
	{ "{\"auths\":{\"https://index.docker.io.evil.example/v1/\":{\"auth\":\""
	  B_UP "\"}}}", "docker.io", 0, NULL, NULL, NULL },
	/* Docker Hub's key is not another registry's */
	{ "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" B_UP
	  "\"}}}", "ghcr.io", 0, NULL, NULL, NULL },
	/* an entry without credentials (a credsStore holds them) */
	{ "{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"desktop\"}", "ghcr.io",
	  0, NULL, NULL, NULL },
	{ "{\"auths\":{\"ghcr.io\":{\"username\":\"bob\"}}}", "ghcr.io", 0,
	  NULL, NULL, NULL },
	{ "{}", "ghcr.io", 0, NULL, NULL, NULL },
	{ "{\"auths\":{}}", "ghcr.io", 0, NULL, NULL, NULL },
	/* bad "auth": not base64, no ':' */
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"!!not-base64!!\"}}}", "ghcr.io",
	  OVM_EINPUT, NULL, NULL, "the \"auth\" of 'ghcr.io' is not base64" },
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"dXNl cjpw\"}}}", "ghcr.io",
	  OVM_EINPUT, NULL, NULL, "not base64" },
	{ "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_NOCOLON "\"}}}", "ghcr.io",
	  OVM_EINPUT, NULL, NULL, "user:password" },
	/* not JSON */
	{ "{\"auths\":", "ghcr.io", OVM_EINPUT, NULL, NULL, "not valid JSON" },
	{ "", "ghcr.io", OVM_EINPUT, NULL, NULL, "not valid JSON" },
};

static void
test_docker_config(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(auth_rows) / sizeof(auth_rows[0]); i++) {
		const struct auth_row *r = &auth_rows[i];
		struct ovm_err err = OVM_ERR_INIT;
		char *user = NULL, *pass = NULL;
		int rc = ovm_docker_config_auth(&user, &pass, r->json,
		    strlen(r->json), r->domain, &err);

		if (rc != r->code)
			BAD("row %zu (%s for %s): rc %d, want %d (%s)", i,
			    r->json, r->domain, rc, r->code, err.msg);
		else if (rc < 0 && strstr(err.msg, r->msg) == NULL)
			BAD("row %zu: '%s' lacks '%s'", i, err.msg, r->msg);
		else if (!same(user, r->user) || !same(pass, r->pass))
			BAD("row %zu (%s for %s): user [%s] pass [%s], want "
			    "[%s] [%s]", i, r->json, r->domain, SHOW(user),
			    SHOW(pass), SHOW(r->user), SHOW(r->pass));
		free(user);
		free(pass);
	}
	if (bad > 0)
		fail_msg("%d bad row(s)", bad);
}

/* The buffer is read to len only: no NUL needed, trailing bytes ignored. */
static void
test_docker_config_len(void **state)
{
	const char buf[] = "{\"auths\":{\"ghcr.io\":{\"auth\":\"" B_UP
	    "\"}}}GARBAGE";
	char *user = NULL, *pass = NULL;

	(void)state;
	assert_int_equal(ovm_docker_config_auth(&user, &pass, buf,
	    sizeof(buf) - 1 - strlen("GARBAGE"), "ghcr.io", NULL), 0);
	assert_string_equal(user, "u");
	assert_string_equal(pass, "p");
	free(user);
	free(pass);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_bearer_free),
		cmocka_unit_test(test_base_url),
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_docker_config_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
