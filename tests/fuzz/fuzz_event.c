/*
 * The GitHub event: environment + payload.
 *
 * A plain input is the payload, read by ovm_event_from_github with a fixed
 * environment (GITHUB_ACTIONS=true, GITHUB_SHA, GITHUB_REF), once per event
 * name.
 *
 * An input that starts with "#env\n" chooses the environment too:
 * "NAME=value" lines up to an empty line, then the payload.  GITHUB_ACTIONS,
 * GITHUB_EVENT_NAME, GITHUB_SHA, GITHUB_REF and GITHUB_REF_NAME are set to
 * the value given, or unset when not given (other lines are ignored, so a
 * runner's env dump works as a header).  GITHUB_EVENT_PATH given names a
 * file holding the payload; given as "" it is set but empty, as "missing"
 * it names a file that does not exist; not given, it is unset.  Then
 * ovm_event_load_github (getenv, the file) must give exactly what
 * ovm_event_from_github gives for the same values and bytes.
 *
 * Properties of a success: the kind matches GITHUB_ACTIONS and the event
 * name; before/after are NULL or valid lower-case object ids, after is
 * GITHUB_SHA's (lower-cased) unless a push payload gave one; ref is NULL
 * or a valid full ref; branch is set exactly when ref is refs/heads/<b>,
 * and <b> passes the branch-name check unless it is "HEAD" or starts with
 * '-'; only a push has before, a head message or flags.  An error leaves
 * out empty and has a message.
 */
#include "fuzz.h"

#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/event.h"

#define HEADER "#env\n"
#define MISSING_PATH "/nonexistent/ovm-fuzz/event.json"

static const char *const names[] = { "push", "workflow_dispatch",
    "schedule", "delete" };

/* The variables a header can set, and what the target keeps of them. */
enum { V_ACTIONS, V_NAME, V_PATH, V_SHA, V_REF, V_REF_NAME, N_VARS };
static const char *const var_names[N_VARS] = { "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_SHA", "GITHUB_REF",
    "GITHUB_REF_NAME" };

/*
 * "NAME=value" strings handed to putenv (not setenv: glibc keeps every
 * string setenv was given, and millions of distinct values would grow
 * without bound).  Freed only once the environment no longer points at
 * them.
 */
static char *env_strings[N_VARS];

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *
nn(const char *s)
{
	return s != NULL ? s : "(null)";
}

static void
check_oid(const char *what, const char *hex)
{
	const char *p;

	if (hex == NULL)
		return;
	FZ_CHECK(ovm_oid_is_valid(hex), "%s '%s' not an object id", what, hex);
	for (p = hex; *p != '\0'; p++)
		FZ_CHECK(!(*p >= 'A' && *p <= 'F'), "%s '%s' not lower-case",
		    what, hex);
	FZ_CHECK(ovm_oid_is_zero(hex) == (strspn(hex, "0") == strlen(hex)),
	    "%s '%s' zero check", what, hex);
}

/* The properties of one result of reading the event from env. */
static void
check_event(const struct ovm_event *ev, int rc, const struct ovm_err *err,
    const struct ovm_gh_env *env)
{
	enum ovm_event_kind kind = OVM_EV_OTHER;
	struct ovm_err berr = OVM_ERR_INIT;

	FZ_CHECK(rc == 0 || rc == OVM_EINPUT || rc == OVM_ENOMEM, "rc %d", rc);
	if (rc != 0) {
		FZ_CHECK(err->msg[0] != '\0', "error without a message");
		FZ_CHECK(ev->name == NULL && ev->before == NULL &&
		    ev->after == NULL && ev->head_message == NULL &&
		    ev->ref == NULL && ev->branch == NULL,
		    "out not left empty on error");
		return;
	}
	if (env->actions == NULL || strcmp(env->actions, "true") != 0) {
		FZ_CHECK(ev->kind == OVM_EV_LOCAL && ev->from_github == 0 &&
		    str_eq(ev->name, "local") && ev->before == NULL &&
		    ev->after == NULL && ev->head_message == NULL &&
		    ev->ref == NULL && ev->branch == NULL && !ev->created &&
		    !ev->deleted && !ev->forced, "not an empty local event");
		FZ_CHECK(strcmp(ovm_event_kind_name(ev->kind), "local") == 0,
		    "kind name");
		return;
	}
	FZ_CHECK(env->event_name != NULL && env->event_name[0] != '\0',
	    "success without GITHUB_EVENT_NAME");
	if (strcmp(env->event_name, "push") == 0)
		kind = OVM_EV_PUSH;
	else if (strcmp(env->event_name, "workflow_dispatch") == 0)
		kind = OVM_EV_DISPATCH;
	FZ_CHECK(ev->from_github == 1, "from_github");
	FZ_CHECK(str_eq(ev->name, env->event_name), "name '%s'", nn(ev->name));
	FZ_CHECK(ev->kind == kind, "kind %d", ev->kind);
	FZ_CHECK(strcmp(ovm_event_kind_name(ev->kind), kind == OVM_EV_PUSH ?
	    "push" : kind == OVM_EV_DISPATCH ? "workflow_dispatch" :
	    "other") == 0, "kind name '%s'", ovm_event_kind_name(ev->kind));
	check_oid("before", ev->before);
	check_oid("after", ev->after);
	if (kind != OVM_EV_PUSH) {
		FZ_CHECK(ev->before == NULL && ev->head_message == NULL &&
		    !ev->created && !ev->deleted && !ev->forced,
		    "push fields on a %s event", env->event_name);
		/* after is GITHUB_SHA's, or nothing when that is unusable */
		if (ovm_oid_is_valid(env->sha))
			FZ_CHECK(ev->after != NULL &&
			    strcasecmp(ev->after, env->sha) == 0,
			    "after '%s' for GITHUB_SHA '%s'", nn(ev->after),
			    env->sha);
		else
			FZ_CHECK(ev->after == NULL, "after '%s' without a "
			    "usable GITHUB_SHA", ev->after);
	} else if (ovm_oid_is_valid(env->sha)) {
		FZ_CHECK(ev->after != NULL, "push without after");
	}
	if (ev->ref != NULL)
		FZ_CHECK(strncmp(ev->ref, "refs/", 5) == 0 &&
		    ovm_refname_is_valid(ev->ref), "ref '%s'", ev->ref);
	if (ev->branch != NULL) {
		int ok = ev->branch[0] != '-' && strcmp(ev->branch, "HEAD") != 0;

		FZ_CHECK(ev->ref != NULL &&
		    strncmp(ev->ref, "refs/heads/", 11) == 0 &&
		    strcmp(ev->ref + 11, ev->branch) == 0,
		    "branch '%s' ref '%s'", ev->branch, nn(ev->ref));
		FZ_CHECK((ovm_branch_name_check(ev->branch, &berr) == 0) == ok,
		    "branch '%s': check says '%s'", ev->branch, berr.msg);
	} else if (ev->ref != NULL) {
		FZ_CHECK(strncmp(ev->ref, "refs/heads/", 11) != 0,
		    "ref '%s' without branch", ev->ref);
	}
}

/* The header's value for var (a copy), or NULL when not given. */
static char *
header_value(const char *hdr, size_t len, const char *var)
{
	size_t vl = strlen(var), i = 0;
	char *val = NULL;

	while (i < len) {
		const char *line = hdr + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - line) : len - i;

		i += ll + 1;
		if (ll > vl && memcmp(line, var, vl) == 0 && line[vl] == '=') {
			free(val);	/* the last one counts */
			val = fz_strndup((const uint8_t *)line + vl + 1,
			    ll - vl - 1);
		}
	}
	return val;
}

/* Sets (value non-NULL) or unsets variable i of var_names. */
static void
set_var(int i, const char *value)
{
	char *old = env_strings[i], *s = NULL;

	if (value != NULL) {
		size_t n = strlen(var_names[i]) + strlen(value) + 2;

		s = malloc(n);
		FZ_CHECK(s != NULL, "malloc");
		snprintf(s, n, "%s=%s", var_names[i], value);
		FZ_CHECK(putenv(s) == 0, "putenv");
	} else {
		FZ_CHECK(unsetenv(var_names[i]) == 0, "unsetenv");
	}
	env_strings[i] = s;
	free(old);
}

/* The payload file: a memfd, read back through /proc/self/fd. */
static const char *
payload_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("ovm-fuzz-event", MFD_CLOEXEC);
		FZ_CHECK(fd >= 0, "memfd_create");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);

		FZ_CHECK(n > 0, "pwrite");
		off += (size_t)n;
	}
	return path;
}

static void
run_with_header(const uint8_t *data, size_t size)
{
	const char *hdr = (const char *)data + strlen(HEADER), *end;
	size_t hlen = size - strlen(HEADER);
	char *val[N_VARS];
	const uint8_t *payload;
	size_t plen;
	struct ovm_event ev1 = OVM_EVENT_INIT, ev2 = OVM_EVENT_INIT;
	struct ovm_err err1 = OVM_ERR_INIT, err2 = OVM_ERR_INIT;
	struct ovm_gh_env env;
	int i, rc1, rc2, missing = 0, read_file;

	/* header up to "\n\n" (the first line break is the magic's) */
	end = hlen > 0 && hdr[0] == '\n' ? hdr : memmem(hdr, hlen, "\n\n", 2);
	if (end == NULL) {
		payload = (const uint8_t *)hdr + hlen;
		plen = 0;
	} else {
		payload = (const uint8_t *)end + (end == hdr ? 1 : 2);
		plen = (size_t)(data + size - payload);
		hlen = (size_t)(end - hdr);
	}
	for (i = 0; i < N_VARS; i++)
		val[i] = header_value(hdr, hlen, var_names[i]);
	if (val[V_PATH] != NULL && val[V_PATH][0] != '\0') {
		missing = strcmp(val[V_PATH], "missing") == 0;
		free(val[V_PATH]);
		val[V_PATH] = strdup(missing ? MISSING_PATH :
		    payload_file(payload, plen));
		FZ_CHECK(val[V_PATH] != NULL, "strdup");
	}
	for (i = 0; i < N_VARS; i++)
		set_var(i, val[i]);

	rc1 = ovm_event_load_github(&ev1, &err1);

	env.actions = val[V_ACTIONS];
	env.event_name = val[V_NAME];
	env.event_path = val[V_PATH];
	env.sha = val[V_SHA];
	env.ref = val[V_REF];
	env.ref_name = val[V_REF_NAME];
	read_file = env.actions != NULL && strcmp(env.actions, "true") == 0 &&
	    env.event_path != NULL && env.event_path[0] != '\0';
	check_event(&ev1, rc1, &err1, &env);
	if (read_file && missing) {
		FZ_CHECK(rc1 == OVM_EINPUT && strstr(err1.msg, MISSING_PATH) &&
		    strstr(err1.msg, "cannot read"), "missing file: %d '%s'",
		    rc1, err1.msg);
	} else {
		rc2 = ovm_event_from_github(&ev2, &env, read_file ?
		    (const char *)payload : NULL, read_file ? plen : 0, &err2);
		check_event(&ev2, rc2, &err2, &env);
		FZ_CHECK(rc1 == rc2, "load %d, from_github %d", rc1, rc2);
		FZ_CHECK(strcmp(err1.msg, err2.msg) == 0 &&
		    strcmp(err1.hint, err2.hint) == 0 &&
		    err1.line == err2.line && err1.column == err2.column,
		    "messages differ: '%s' / '%s'", err1.msg, err2.msg);
		FZ_CHECK(ev1.kind == ev2.kind &&
		    ev1.from_github == ev2.from_github &&
		    str_eq(ev1.name, ev2.name) &&
		    str_eq(ev1.before, ev2.before) &&
		    str_eq(ev1.after, ev2.after) &&
		    str_eq(ev1.head_message, ev2.head_message) &&
		    str_eq(ev1.ref, ev2.ref) &&
		    str_eq(ev1.branch, ev2.branch) &&
		    ev1.created == ev2.created && ev1.deleted == ev2.deleted &&
		    ev1.forced == ev2.forced, "load and from_github differ");
	}
	ovm_event_free(&ev1);
	ovm_event_free(&ev2);
	ovm_event_free(NULL);
	for (i = 0; i < N_VARS; i++)
		free(val[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovm_gh_env env = { "true", NULL, "/github/workflow/event.json",
	    "0123456789abcdef0123456789abcdef01234567", "refs/heads/main",
	    "main" };
	size_t i;

	if (size >= strlen(HEADER) && memcmp(data, HEADER, strlen(HEADER)) == 0) {
		run_with_header(data, size);
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ovm_event ev = OVM_EVENT_INIT;
		struct ovm_err err = OVM_ERR_INIT;
		int rc;

		env.event_name = names[i];
		rc = ovm_event_from_github(&ev, &env, (const char *)data, size,
		    &err);
		check_event(&ev, rc, &err, &env);
		ovm_event_free(&ev);
	}
	return 0;
}
