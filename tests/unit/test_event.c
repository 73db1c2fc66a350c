/*
 * Event inputs (doc/decisions.md#the-event): every payload of corpus/github-events driven by
 * events.tsv, then hand-written rows for payload errors, flags, skip
 * markers, object ids, branch names and the getenv/file reader.
 * Each row is its own cmocka test, so a failure names the row.
 */
#include "testutil.h"

#include "core/event.h"

#define H40 "dc27afaa1f4d1b098cbf7602b82de312d20fa481"
#define H40B "cc62b30b91677b695d3929d6352e7bb541e5ed8c"
#define H40U "CC62B30B91677B695D3929D6352E7BB541E5ED8C"
#define Z40 "0000000000000000000000000000000000000000"
#define H64 "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define Z64 Z40 "000000000000000000000000"

/* What an event must look like (NULL strings: must be NULL). */
struct expect {
	int code;
	enum ovm_event_kind kind;
	const char *name, *before, *after, *ref, *branch, *head;
	int created, deleted, forced, from_github;
	const char *err1, *err2;	/* substrings of err.msg on error */
	int line, col;			/* err.line / err.column; -1 = any */
};

static void
check_str(const char *what, const char *row, const char *got,
    const char *want)
{
	if (want == NULL && got != NULL)
		fail_msg("%s: %s: got '%s', want NULL", row, what, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s: %s: got '%s', want '%s'", row, what,
		    got ? got : "(null)", want);
}

static void
check_err(const char *row, int rc, const struct ovm_err *err,
    const struct expect *x)
{
	if (rc != x->code)
		fail_msg("%s: rc %d, want %d (%s)", row, rc, x->code, err->msg);
	if (x->err1 != NULL && strstr(err->msg, x->err1) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", row, err->msg, x->err1);
	if (x->err2 != NULL && strstr(err->msg, x->err2) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", row, err->msg, x->err2);
	if (x->line >= 0 && err->line != x->line)
		fail_msg("%s: line %d, want %d (%s)", row, err->line, x->line,
		    err->msg);
	if (x->col >= 0 && err->column != x->col)
		fail_msg("%s: column %d, want %d (%s)", row, err->column,
		    x->col, err->msg);
	/* Payload text must never reach the message raw. */
	if (strchr(err->msg, '\n') != NULL)
		fail_msg("%s: message has a raw newline: %s", row, err->msg);
}

static void
check_event(const char *row, const struct ovm_event *ev,
    const struct expect *x)
{
	if (ev->kind != x->kind)
		fail_msg("%s: kind %d, want %d", row, ev->kind, x->kind);
	check_str("name", row, ev->name, x->name);
	check_str("before", row, ev->before, x->before);
	check_str("after", row, ev->after, x->after);
	check_str("ref", row, ev->ref, x->ref);
	check_str("branch", row, ev->branch, x->branch);
	check_str("head message", row, ev->head_message, x->head);
	if (ev->created != x->created || ev->deleted != x->deleted ||
	    ev->forced != x->forced)
		fail_msg("%s: created/deleted/forced %d/%d/%d, want %d/%d/%d",
		    row, ev->created, ev->deleted, ev->forced, x->created,
		    x->deleted, x->forced);
	if (ev->from_github != x->from_github)
		fail_msg("%s: from_github %d", row, ev->from_github);
}

/* ---- corpus: events.tsv ------------------------------------------------ */

enum { C_FILE, C_NAME, C_REF, C_BEFORE, C_AFTER, C_CREATED, C_DELETED,
	C_FORCED, C_BASE_REF, C_COMMITS, C_HEAD, C_ENV, C_NCOLS = 14 };

struct corpus_row {
	char *line;		/* owns the split fields */
	char *f[C_NCOLS];
};

/* "KEY=" value in a .env text, copied; NULL when absent. */
static char *
env_lookup(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (n > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
			char *v = malloc(n - kl);

			memcpy(v, p + kl + 1, n - kl - 1);
			v[n - kl - 1] = '\0';
			return v;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static const char *
dash_null(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static int
tsv_bool(const char *s)
{
	return strcmp(s, "true") == 0;
}

/* 1-based line of the first `"key":` in text. */
static int
line_of_key(const char *text, const char *key)
{
	char pat[64];
	const char *p, *q;
	int line = 1;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(text, pat);
	if (p == NULL)
		return 0;
	for (q = text; q < p; q++)
		line += *q == '\n';
	return line;
}

static void
test_corpus_row(void **state)
{
	const struct corpus_row *r = *state;
	const char *file = r->f[C_FILE], *name = r->f[C_NAME];
	struct ovm_gh_env env = { "true", name, file, NULL, NULL, NULL };
	struct ovm_event ev = OVM_EVENT_INIT;
	struct ovm_err err = OVM_ERR_INIT;
	struct expect x;
	char rel[512], *payload, *envtext = NULL, *sha = NULL, *ref = NULL;
	char *head = NULL;
	const char *before, *after;
	size_t len = 0;
	int rc;

	snprintf(rel, sizeof(rel), "github-events/%s", file);
	payload = tu_read_corpus(rel, &len);
	if (strcmp(r->f[C_ENV], "yes") == 0) {
		/* The real run's variables, but the corpus file's name. */
		snprintf(rel + strlen(rel) - 5, 6, ".env");
		envtext = tu_read_corpus(rel, NULL);
		sha = env_lookup(envtext, "GITHUB_SHA");
		ref = env_lookup(envtext, "GITHUB_REF");
		env.sha = sha;
		env.ref = ref;
		assert_non_null(strstr(envtext, "GITHUB_ACTIONS=true\n"));
		{
			char *n = env_lookup(envtext, "GITHUB_EVENT_NAME");

			assert_string_equal(n, name);
			free(n);
		}
	}

	memset(&x, 0, sizeof(x));
	x.line = x.col = -1;
	x.name = name;
	x.from_github = 1;
	x.kind = strcmp(name, "push") == 0 ? OVM_EV_PUSH :
	    strcmp(name, "workflow_dispatch") == 0 ? OVM_EV_DISPATCH :
	    OVM_EV_OTHER;
	before = dash_null(r->f[C_BEFORE]);
	after = dash_null(r->f[C_AFTER]);
	if ((before != NULL && !ovm_oid_is_valid(before)) ||
	    (after != NULL && !ovm_oid_is_valid(after))) {
		/* A placeholder: an input error naming file, field, line. */
		const char *field = after != NULL && !ovm_oid_is_valid(after) ?
		    "after" : "before";
		char want[64];

		snprintf(want, sizeof(want), "'%s'", field);
		x.code = OVM_EINPUT;
		x.err1 = want;
		x.err2 = file;
		x.line = line_of_key(payload, field);
		assert_true(x.line > 0);
		rc = ovm_event_from_github(&ev, &env, payload, len, &err);
		check_err(file, rc, &err, &x);
		snprintf(want, sizeof(want), "%s:%d:", file, x.line);
		assert_non_null(strstr(err.msg, want));
		assert_null(ev.name);
		goto done;
	}
	x.before = before;
	/* Without "after" in the payload, GITHUB_SHA is the commit. */
	x.after = after != NULL ? after : sha;
	x.created = tsv_bool(r->f[C_CREATED]);
	x.deleted = tsv_bool(r->f[C_DELETED]);
	x.forced = tsv_bool(r->f[C_FORCED]);
	/* Push and dispatch take the payload's ref; others GITHUB_REF only
	 * (the "delete" event's payload ref is a short name, not the run's). */
	x.ref = x.kind != OVM_EV_OTHER ? dash_null(r->f[C_REF]) : ref;
	if (x.ref != NULL && strncmp(x.ref, "refs/heads/", 11) == 0)
		x.branch = x.ref + 11;

	rc = ovm_event_from_github(&ev, &env, payload, len, &err);
	if (rc != 0)
		fail_msg("%s: %s", file, err.msg);
	if (ev.head_message != NULL) {
		size_t n = strcspn(ev.head_message, "\n");

		head = malloc(n + 5);
		memcpy(head, "msg:", 4);
		memcpy(head + 4, ev.head_message, n);
		head[n + 4] = '\0';
	}
	if (strncmp(r->f[C_HEAD], "msg:", 4) == 0)
		x.head = r->f[C_HEAD];
	check_str("head message first line", file, head, x.head);
	x.head = ev.head_message;	/* checked above */
	check_event(file, &ev, &x);
done:
	ovm_event_free(&ev);
	free(head);
	free(sha);
	free(ref);
	free(envtext);
	free(payload);
}

/* ---- payload rows ------------------------------------------------------- */

struct payload_row {
	const char *id;
	const char *actions, *name, *sha, *ref;	/* the env */
	const char *payload;			/* NULL: no file */
	struct expect x;
};

#define OK(kind, name, b, a, ref, br, head, c, d, f) \
	{ 0, kind, name, b, a, ref, br, head, c, d, f, 1, NULL, NULL, -1, -1 }
#define ERR(e1, e2, line, col) \
	{ OVM_EINPUT, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, \
	  e1, e2, line, col }

static const struct payload_row payload_rows[] = {
	{ "invalid-json-missing-colon", "true", "push", NULL, NULL,
	  "{\n  \"before\": \"" H40 "\",\n  \"after\" 1\n}\n",
	  ERR("ev.json:3:11: invalid JSON", NULL, 3, 11) },
	{ "invalid-json-trailing-data", "true", "push", NULL, NULL,
	  "{}\n}\n", ERR("ev.json:2:1: invalid JSON", NULL, 2, 1) },
	{ "invalid-json-truncated", "true", "push", NULL, NULL,
	  "{\n\"before\": \"00", ERR("ev.json:2:", "invalid JSON", 2, -1) },
	{ "invalid-json-trailing-comma", "true", "push", NULL, NULL,
	  "{\"a\": 1,}", ERR("ev.json:1:9: invalid JSON", NULL, 1, 9) },
	{ "empty-payload", "true", "push", NULL, NULL, "",
	  ERR("ev.json", "empty", -1, -1) },
	{ "top-level-array", "true", "push", NULL, NULL, "[]",
	  ERR("ev.json", "not a JSON object", -1, -1) },
	{ "before-number", "true", "push", NULL, NULL,
	  "{\n  \"before\": 12,\n  \"after\": \"" H40 "\"\n}",
	  ERR("ev.json:2: 'before' must be a string, not a number", NULL, 2,
	      13) },
	{ "created-string", "true", "push", NULL, NULL,
	  "{\"after\": \"" H40 "\",\n\"created\": \"true\"}",
	  ERR("ev.json:2: 'created' must be a boolean, not a string", NULL,
	      2, -1) },
	{ "forced-number", "true", "push", NULL, NULL,
	  "{\"forced\": 1}", ERR("'forced' must be a boolean", NULL, 1, -1) },
	{ "head-message-number", "true", "push", NULL, NULL,
	  "{\"after\": \"" H40 "\",\n\"head_commit\": {\n  \"id\": \"x\",\n"
	  "  \"message\": 5\n}}",
	  ERR("ev.json:4: 'head_commit.message' must be a string, not a "
	      "number", NULL, 4, 14) },
	{ "head-commit-array", "true", "push", NULL, NULL,
	  "{\n\"head_commit\": []}",
	  ERR("ev.json:2: 'head_commit' must be an object, not an array",
	      NULL, 2, -1) },
	{ "before-short-hex", "true", "push", NULL, NULL,
	  "{\"before\": \"abc123\"}",
	  ERR("ev.json:1: 'before' is not an object id: 'abc123'", NULL, 1,
	      12) },
	{ "after-39-hex", "true", "push", NULL, NULL,
	  "{\"after\": \"dc27afaa1f4d1b098cbf7602b82de312d20fa48\"}",
	  ERR("ev.json:1: 'after' is not an object id", NULL, 1, 11) },
	{ "after-zero-deleted", "true", "push", NULL, NULL,
	  "{\"after\": \"" Z40 "\", \"deleted\": true}",
	  OK(OVM_EV_PUSH, "push", NULL, Z40, NULL, NULL, NULL, 0, 1, 0) },
	{ "after-placeholder-control-chars", "true", "push", NULL, NULL,
	  "{\"after\": \"a\\nb::x\\u0007\"}",
	  ERR("'after' is not an object id: 'a\\x0ab::x\\x07'", NULL, 1, -1) },
	{ "after-nested-key-first", "true", "push", NULL, NULL,
	  "{\n\"commits\": [{\"after\": \"x\", \"before\": {}}],\n"
	  "\"x\": \"\\\"after\\\": 1\",\n\"after\": \"push-after\"\n}",
	  ERR("ev.json:4: 'after' is not an object id: 'push-after'", NULL,
	      4, 10) },
	{ "after-escaped-key-no-line", "true", "push", NULL, NULL,
	  "{\n\"\\u0061fter\": \"push-after\"\n}",
	  ERR("ev.json: 'after' is not an object id", NULL, 0, 0) },
	{ "bom-before-number", "true", "push", NULL, NULL,
	  "\xef\xbb\xbf{\n\"before\": true}",
	  ERR("ev.json:2: 'before' must be a string, not a boolean", NULL, 2,
	      11) },
	{ "uppercase-hex-normalised", "true", "push", NULL, NULL,
	  "{\"before\": \"" H40 "\", \"after\": \"" H40U "\", \"ref\": "
	  "\"refs/heads/main\"}",
	  OK(OVM_EV_PUSH, "push", H40, H40B, "refs/heads/main", "main", NULL,
	     0, 0, 0) },
	{ "sha256-ids", "true", "push", NULL, NULL,
	  "{\"before\": \"" Z64 "\", \"after\": \"" H64 "\", \"ref\": "
	  "\"refs/heads/main\", \"created\": true}",
	  OK(OVM_EV_PUSH, "push", Z64, H64, "refs/heads/main", "main", NULL,
	     1, 0, 0) },
	{ "push-falls-back-to-env", "true", "push", H40B, "refs/heads/dev",
	  "{\"before\": \"" H40 "\", \"forced\": true}",
	  OK(OVM_EV_PUSH, "push", H40, H40B, "refs/heads/dev", "dev", NULL,
	     0, 0, 1) },
	{ "push-payload-wins-over-env", "true", "push", H40, "refs/heads/dev",
	  "{\"after\": \"" H40B "\", \"ref\": \"refs/heads/main\"}",
	  OK(OVM_EV_PUSH, "push", NULL, H40B, "refs/heads/main", "main", NULL,
	     0, 0, 0) },
	{ "push-no-payload-file", "true", "push", H40B, "refs/heads/main",
	  NULL,
	  OK(OVM_EV_PUSH, "push", NULL, H40B, "refs/heads/main", "main", NULL,
	     0, 0, 0) },
	{ "push-case-sensitive-keys", "true", "push", H40B, NULL,
	  "{\"After\": \"" H40 "\", \"Ref\": \"refs/heads/x\"}",
	  OK(OVM_EV_PUSH, "push", NULL, H40B, NULL, NULL, NULL, 0, 0, 0) },
	{ "push-nulls-are-absent", "true", "push", NULL, NULL,
	  "{\"before\": null, \"after\": \"" H40 "\", \"head_commit\": null,"
	  " \"created\": null, \"ref\": \"refs/tags/v1\"}",
	  OK(OVM_EV_PUSH, "push", NULL, H40, "refs/tags/v1", NULL, NULL, 0, 0,
	     0) },
	{ "push-message-kept-whole", "true", "push", NULL, NULL,
	  "{\"after\": \"" H40 "\", \"head_commit\": {\"message\": "
	  "\"fix: x\\n\\nbody [skip ci]\"}}",
	  OK(OVM_EV_PUSH, "push", NULL, H40, NULL, NULL,
	     "fix: x\n\nbody [skip ci]", 0, 0, 0) },
	{ "push-bad-github-sha", "true", "push", "HEAD", NULL, "{}",
	  ERR("GITHUB_SHA is not an object id: 'HEAD'", NULL, 0, -1) },
	{ "push-short-ref", "true", "push", NULL, NULL,
	  "{\"after\": \"" H40 "\",\n\"ref\": \"main\"}",
	  ERR("ev.json:2: 'ref' is not a full ref name: 'main'", NULL, 2,
	      -1) },
	{ "push-bad-ref", "true", "push", NULL, NULL,
	  "{\"ref\": \"refs/heads/a..b\"}",
	  ERR("'ref' is not a full ref name", NULL, 1, -1) },
	{ "push-bad-github-ref", "true", "push", NULL, "refs/heads/a b", "{}",
	  ERR("GITHUB_REF is not a full ref name: 'refs/heads/a b'", NULL, 0,
	      -1) },
	{ "push-ref-number", "true", "push", NULL, NULL, "{\"ref\": 3}",
	  ERR("'ref' must be a string, not a number", NULL, 1, -1) },
	{ "dispatch-sha-and-payload-ref", "true", "workflow_dispatch", H40,
	  "refs/heads/other",
	  "{\"ref\": \"refs/heads/main\", \"inputs\": null, \"after\": 1}",
	  OK(OVM_EV_DISPATCH, "workflow_dispatch", NULL, H40,
	     "refs/heads/main", "main", NULL, 0, 0, 0) },
	{ "dispatch-env-ref", "true", "workflow_dispatch", H40,
	  "refs/heads/main", "{\"inputs\": {}}",
	  OK(OVM_EV_DISPATCH, "workflow_dispatch", NULL, H40,
	     "refs/heads/main", "main", NULL, 0, 0, 0) },
	{ "dispatch-bad-sha", "true", "workflow_dispatch", "1234",
	  "refs/heads/main", "{}",
	  ERR("GITHUB_SHA is not an object id", NULL, 0, -1) },
	{ "schedule-from-env", "true", "schedule", H40, "refs/heads/main",
	  "{\"schedule\": \"0 0 * * 0\", \"ref\": \"refs/heads/x\"}",
	  { 0, OVM_EV_OTHER, "schedule", NULL, H40, "refs/heads/main", "main",
	    NULL, 0, 0, 0, 1, NULL, NULL, -1, -1 } },
	{ "other-lenient-env", "true", "pull_request", "garbage",
	  "refs/pull/1/merge", NULL,
	  { 0, OVM_EV_OTHER, "pull_request", NULL, NULL, "refs/pull/1/merge",
	    NULL, NULL, 0, 0, 0, 1, NULL, NULL, -1, -1 } },
	/* cJSON puts an error at the end of input on the last byte. */
	{ "other-invalid-json", "true", "schedule", H40, NULL, "{",
	  ERR("ev.json:1:1: invalid JSON", NULL, 1, 1) },
	{ "not-actions-is-local", NULL, "push", H40, "refs/heads/main",
	  "not json",
	  { 0, OVM_EV_LOCAL, "local", NULL, NULL, NULL, NULL, NULL, 0, 0, 0,
	    0, NULL, NULL, -1, -1 } },
	{ "actions-false-is-local", "false", "push", H40, NULL, "{}",
	  { 0, OVM_EV_LOCAL, "local", NULL, NULL, NULL, NULL, NULL, 0, 0, 0,
	    0, NULL, NULL, -1, -1 } },
	{ "no-event-name", "true", NULL, H40, NULL, "{}",
	  ERR("GITHUB_EVENT_NAME is not set", NULL, 0, -1) },
	{ "empty-event-name", "true", "", H40, NULL, "{}",
	  ERR("GITHUB_EVENT_NAME is not set", NULL, 0, -1) },
};

static void
test_payload_row(void **state)
{
	const struct payload_row *r = *state;
	struct ovm_gh_env env = { r->actions, r->name, "ev.json", r->sha,
		r->ref, NULL };
	struct ovm_event ev = OVM_EVENT_INIT;
	struct ovm_err err = OVM_ERR_INIT;
	int rc;

	rc = ovm_event_from_github(&ev, &env, r->payload,
	    r->payload ? strlen(r->payload) : 0, &err);
	if (r->x.code != 0) {
		check_err(r->id, rc, &err, &r->x);
		assert_null(ev.name);	/* nothing allocated on error */
	} else {
		if (rc != 0)
			fail_msg("%s: %s", r->id, err.msg);
		check_event(r->id, &ev, &r->x);
	}
	ovm_event_free(&ev);
	ovm_event_free(&ev);	/* idempotent */
}

/* A NUL inside a string would make cJSON cut the value short. */
static void
test_payload_nul(void **state)
{
	static const char p[] = "{\"after\": \"" H40 "\0x\"}";
	static const struct expect x =
	    ERR("ev.json:1:52: invalid JSON", NULL, 1, 52);
	struct ovm_gh_env env = { "true", "push", "ev.json", NULL, NULL,
		NULL };
	struct ovm_event ev = OVM_EVENT_INIT;
	struct ovm_err err = OVM_ERR_INIT;
	int rc;

	(void)state;
	rc = ovm_event_from_github(&ev, &env, p, sizeof(p) - 1, &err);
	check_err("nul", rc, &err, &x);
	assert_null(ev.after);
}

/* ---- flags -------------------------------------------------------------- */

enum preset { P_PUSH, P_LOCAL, P_SCHEDULE };

struct flags_row {
	const char *id;
	enum preset from;
	struct ovm_event_flags fl;
	struct expect x;	/* on error: the event must be the preset's */
};

#define PUSH_MSG "feat: x\n\nbody"
/* The P_PUSH preset, as an expectation. */
#define X_PUSH { 0, OVM_EV_PUSH, "push", H40, H40B, "refs/heads/main", \
	"main", PUSH_MSG, 0, 0, 1, 1, NULL, NULL, -1, -1 }
#define FERR(e1, e2) { OVM_EINPUT, 0, NULL, NULL, NULL, NULL, NULL, NULL, \
	0, 0, 0, 0, e1, e2, -1, -1 }

static const struct flags_row flags_rows[] = {
	{ "none", P_PUSH, { NULL, NULL, NULL, NULL }, X_PUSH },
	{ "before-zero-means-created", P_PUSH, { NULL, Z40, NULL, NULL },
	  { 0, OVM_EV_PUSH, "push", Z40, H40B, "refs/heads/main", "main",
	    PUSH_MSG, 1, 0, 0, 1, NULL, NULL, -1, -1 } },
	{ "after-new-drops-message", P_PUSH, { NULL, NULL, H64, NULL },
	  { 0, OVM_EV_PUSH, "push", H40, H64, "refs/heads/main", "main", NULL,
	    0, 0, 1, 1, NULL, NULL, -1, -1 } },
	{ "after-same-keeps-message", P_PUSH, { NULL, NULL, H40U, NULL },
	  X_PUSH },
	{ "after-zero-means-deleted", P_PUSH, { NULL, NULL, Z40, NULL },
	  { 0, OVM_EV_PUSH, "push", H40, Z40, "refs/heads/main", "main", NULL,
	    0, 1, 1, 1, NULL, NULL, -1, -1 } },
	{ "branch", P_PUSH, { NULL, NULL, NULL, "feature/x" },
	  { 0, OVM_EV_PUSH, "push", H40, H40B, "refs/heads/feature/x",
	    "feature/x", PUSH_MSG, 0, 0, 1, 1, NULL, NULL, -1, -1 } },
	{ "branch-full-ref", P_PUSH, { NULL, NULL, NULL, "refs/heads/dev" },
	  { 0, OVM_EV_PUSH, "push", H40, H40B, "refs/heads/dev", "dev",
	    PUSH_MSG, 0, 0, 1, 1, NULL, NULL, -1, -1 } },
	{ "event-same-kind-keeps-all", P_PUSH, { "push", NULL, NULL, NULL },
	  X_PUSH },
	{ "push-to-dispatch", P_PUSH,
	  { "workflow_dispatch", NULL, NULL, NULL },
	  { 0, OVM_EV_DISPATCH, "workflow_dispatch", NULL, H40B,
	    "refs/heads/main", "main", PUSH_MSG, 0, 0, 0, 1, NULL, NULL, -1,
	    -1 } },
	{ "push-to-local-clears", P_PUSH, { "local", NULL, NULL, NULL },
	  { 0, OVM_EV_LOCAL, "local", NULL, NULL, NULL, NULL, NULL, 0, 0, 0,
	    1, NULL, NULL, -1, -1 } },
	{ "push-to-local-with-flags", P_PUSH, { "local", NULL, H64, "x" },
	  { 0, OVM_EV_LOCAL, "local", NULL, H64, "refs/heads/x", "x", NULL,
	    0, 0, 0, 1, NULL, NULL, -1, -1 } },
	{ "local-to-push-other-ci", P_LOCAL, { "push", Z40, H40B, "main" },
	  { 0, OVM_EV_PUSH, "push", Z40, H40B, "refs/heads/main", "main",
	    NULL, 1, 0, 0, 0, NULL, NULL, -1, -1 } },
	{ "schedule-to-dispatch", P_SCHEDULE,
	  { "workflow_dispatch", NULL, NULL, NULL },
	  { 0, OVM_EV_DISPATCH, "workflow_dispatch", NULL, H40,
	    "refs/heads/main", "main", NULL, 0, 0, 0, 1, NULL, NULL, -1,
	    -1 } },
	{ "bad-event-name", P_PUSH, { "schedule", NULL, NULL, NULL },
	  FERR("unknown --event 'schedule'", NULL) },
	{ "bad-event-empty", P_PUSH, { "", NULL, NULL, NULL },
	  FERR("unknown --event ''", NULL) },
	{ "bad-event-case", P_PUSH, { "Push", NULL, NULL, NULL },
	  FERR("unknown --event 'Push'", NULL) },
	{ "bad-before-short", P_PUSH, { NULL, "abc123", NULL, NULL },
	  FERR("--before 'abc123' is not a full object id", NULL) },
	{ "bad-before-non-hex", P_PUSH,
	  { NULL, "gc27afaa1f4d1b098cbf7602b82de312d20fa481", NULL, NULL },
	  FERR("--before", "not a full object id") },
	{ "bad-after-39", P_PUSH, { NULL, NULL, &H40[1], NULL },
	  FERR("--after", "not a full object id") },
	{ "bad-after-41", P_PUSH, { NULL, NULL, H40 "0", NULL },
	  FERR("--after", "not a full object id") },
	{ "bad-after-ref", P_PUSH, { NULL, NULL, "HEAD", NULL },
	  FERR("--after 'HEAD'", NULL) },
	{ "bad-branch-empty", P_PUSH, { NULL, NULL, NULL, "" },
	  FERR("--branch", "empty") },
	{ "bad-branch-dotdot", P_PUSH, { NULL, NULL, NULL, "a..b" },
	  FERR("--branch: 'a..b' is not a valid branch name", NULL) },
	{ "bad-branch-only-prefix", P_PUSH,
	  { NULL, NULL, NULL, "refs/heads/" }, FERR("--branch", "empty") },
	{ "bad-branch-newline", P_PUSH, { NULL, NULL, NULL, "a\nb" },
	  FERR("'a\\x0ab' is not a valid branch name", NULL) },
	/* All or nothing: the good --before is not applied either. */
	{ "bad-branch-good-before", P_PUSH, { "local", Z40, H64, "-x" },
	  FERR("--branch: '-x'", NULL) },
	{ "bad-after-good-branch", P_PUSH, { NULL, NULL, "x", "dev" },
	  FERR("--after 'x'", NULL) },
};

static void
make_preset(struct ovm_event *ev, enum preset p)
{
	static const char push[] = "{\"before\": \"" H40 "\", \"after\": \""
	    H40B "\", \"ref\": \"refs/heads/main\", \"forced\": true, "
	    "\"head_commit\": {\"message\": \"feat: x\\n\\nbody\"}}";
	struct ovm_gh_env env = { "true", "push", "ev.json", NULL, NULL,
		NULL };
	struct ovm_err err = OVM_ERR_INIT;
	const char *payload = push;
	int rc;

	if (p == P_LOCAL)
		env.actions = NULL;
	if (p == P_SCHEDULE) {
		env.event_name = "schedule";
		env.sha = H40;
		env.ref = "refs/heads/main";
		payload = "{\"schedule\": \"0 0 * * 0\"}";
	}
	rc = ovm_event_from_github(ev, &env, payload, strlen(payload), &err);
	if (rc != 0)
		fail_msg("preset: %s", err.msg);
}

static void
test_flags_row(void **state)
{
	const struct flags_row *r = *state;
	static const struct expect push = X_PUSH;
	struct ovm_event ev = OVM_EVENT_INIT;
	struct ovm_err err = OVM_ERR_INIT;
	int rc;

	make_preset(&ev, r->from);
	rc = ovm_event_apply_flags(&ev, &r->fl, &err);
	if (r->x.code != 0) {
		check_err(r->id, rc, &err, &r->x);
		assert_int_equal(r->from, P_PUSH);
		check_event(r->id, &ev, &push);	/* unchanged */
	} else {
		if (rc != 0)
			fail_msg("%s: %s", r->id, err.msg);
		check_event(r->id, &ev, &r->x);
	}
	ovm_event_free(&ev);
}

/* ---- skip markers ------------------------------------------------------- */

struct skip_row {
	const char *msg;
	int want;
};

static const struct skip_row skip_rows[] = {
	{ "[skip ci]", 1 },
	{ "docs: typo [ci skip]", 1 },
	{ "[no ci] wip", 1 },
	{ "chore: x [skip actions]", 1 },
	{ "chore: x [actions skip]", 1 },
	{ "[SKIP CI]", 1 },			/* case-insensitive */
	{ "[Skip Ci]", 1 },
	{ "[Actions SKIP]", 1 },
	{ "fix: x\n\nlong body\n[skip ci]\nmore", 1 },	/* in the body */
	{ "word[skip ci]word", 1 },		/* a substring, no word rule */
	{ "[[skip ci]]", 1 },
	{ "[skip [skip ci]", 1 },
	{ "fix\n\n\nskip-checks: true", 1 },
	{ "fix\n\n\nskip-checks:true\n", 1 },
	{ "fix\n\nbody\n\n\nskip-checks: true\n\n", 1 },
	{ "fix\n\n\nSigned-off-by: A <a@b.c>\nskip-checks: true\n", 1 },
	{ "fix\n\n\nCo-authored-by: A <a@b.c>\n  continued\nskip-checks: true",
	  1 },
	{ "fix\n\n\n\nskip-checks: true", 1 },	/* three empty lines */
	{ "fix\n \n\t\nskip-checks: true  ", 1 },	/* blank = white space */
	{ "fix\r\n\r\n\r\nskip-checks: true\r\n", 1 },	/* CRLF */
	{ "fix\n\n\nSkip-Checks: TRUE", 1 },
	{ "\n\nskip-checks: true", 1 },		/* empty subject, verbatim */
	{ NULL, 0 },
	{ "", 0 },
	{ "skip ci", 0 },
	{ "[skip-ci]", 0 },
	{ "[skip_ci]", 0 },
	{ "[ci-skip]", 0 },
	{ "[skipci]", 0 },
	{ "[skip  ci]", 0 },
	{ "[ skip ci ]", 0 },
	{ "[skip ci", 0 },
	{ "skip ci]", 0 },
	{ "(skip ci)", 0 },
	{ "[no-ci]", 0 },
	{ "[skip action]", 0 },
	{ "[skip\tci]", 0 },
	{ "[skip executor-layer-tag]", 0 },	/* a track token, not GitHub's */
	{ "fix\n\nskip-checks: true", 0 },	/* one empty line only */
	{ "fix\nskip-checks: true", 0 },
	{ "skip-checks: true", 0 },		/* no empty lines at all */
	{ "fix\n\n\nskip-checks: true\nSigned-off-by: A <a@b.c>", 0 },
	{ "fix\n\n\nskip-checks: true\n\nmore text", 0 },
	{ "fix\n\n\nsome prose\nskip-checks: true", 0 },
	{ "fix\n\n\n skip-checks: true", 0 },	/* a continuation line */
	{ "fix\n\n\nskip-checks: false", 0 },
	{ "fix\n\n\nskip-checks:  true", 0 },
	{ "fix\n\n\nskip-checks = true", 0 },
	{ "fix\n\n\nskip-checks: truee", 0 },
	{ "fix\n\n\nskip-checks: yes", 0 },
	{ "fix: mention skip-checks: true in the docs", 0 },
};

static void
test_skip_row(void **state)
{
	const struct skip_row *r = *state;
	int got = ovm_message_has_ci_skip(r->msg);

	if (got != r->want)
		fail_msg("'%s': got %d, want %d", r->msg ? r->msg : "(null)",
		    got, r->want);
}

/* ---- object ids and branch names ---------------------------------------- */

struct oid_row {
	const char *hex;
	int zero, valid;
};

static const struct oid_row oid_rows[] = {
	{ Z40, 1, 1 },
	{ Z64, 1, 1 },
	{ &Z40[1], 0, 0 },
	{ Z40 "0", 0, 0 },
	{ Z40 "00000000000000000000000", 0, 0 },	/* 63 */
	{ Z64 "0", 0, 0 },
	{ "", 0, 0 },
	{ NULL, 0, 0 },
	{ "0", 0, 0 },
	{ H40, 0, 1 },
	{ H40U, 0, 1 },
	{ H64, 0, 1 },
	{ "000000000000000000000000000000000000000g", 0, 0 },
	{ "000000000000000000000000000000000000000 ", 0, 0 },
	{ " 0000000000000000000000000000000000000000", 0, 0 },
	{ "push-after", 0, 0 },
};

static void
test_oid_row(void **state)
{
	const struct oid_row *r = *state;

	if (ovm_oid_is_zero(r->hex) != r->zero)
		fail_msg("'%s': is_zero != %d", r->hex ? r->hex : "(null)",
		    r->zero);
	if (ovm_oid_is_valid(r->hex) != r->valid)
		fail_msg("'%s': is_valid != %d", r->hex ? r->hex : "(null)",
		    r->valid);
}

struct branch_row {
	const char *name;
	int ok;
};

static const struct branch_row branch_rows[] = {
	{ "main", 1 }, { "feature/x", 1 }, { "release-1.2", 1 },
	{ "fix@home", 1 }, { "a.b", 1 }, { "@", 1 }, { "x-", 1 },
	{ "\xc3\xbcnicode", 1 }, { "a/b/c", 1 }, { "v1.0.lockx", 1 },
	{ "refs/heads/x", 1 },	/* a (silly) name; the flag strips it */
	{ "", 0 }, { "-x", 0 }, { "HEAD", 0 }, { "a..b", 0 }, { "..", 0 },
	{ "a b", 0 }, { "a~1", 0 }, { "a^", 0 }, { "a:b", 0 }, { "a?", 0 },
	{ "a*", 0 }, { "a[b", 0 }, { "a\\b", 0 }, { "a\tb", 0 },
	{ "a\x7f", 0 }, { "a/", 0 }, { "/a", 0 }, { "a//b", 0 }, { "a.", 0 },
	{ ".a", 0 }, { "a/.b", 0 }, { "a.lock", 0 }, { "a/b.lock/c", 0 },
	{ "a@{b", 0 }, { "@{", 0 }, { NULL, 0 },
};

static void
test_branch_row(void **state)
{
	const struct branch_row *r = *state;
	struct ovm_err err = OVM_ERR_INIT;
	int rc = ovm_branch_name_check(r->name, &err);

	if (r->ok && rc != 0)
		fail_msg("'%s' should be valid: %s", r->name, err.msg);
	if (!r->ok && rc != OVM_EINPUT)
		fail_msg("'%s' should be refused", r->name ? r->name : "(null)");
	if (!r->ok)
		assert_null(strchr(err.msg, '\n'));
}

struct ref_row {
	const char *ref;
	int ok;
};

static const struct ref_row ref_rows[] = {
	{ "refs/heads/main", 1 }, { "refs/tags/v1.0.1-beta", 1 },
	{ "refs/pull/1/merge", 1 }, { "refs/heads/@", 1 },
	{ "main", 0 },		/* one level */
	{ "@", 0 }, { "", 0 }, { NULL, 0 }, { "refs/heads/", 0 },
	{ "refs/heads/x.", 0 }, { "refs//x", 0 }, { "refs/heads/x.lock", 0 },
};

static void
test_ref_row(void **state)
{
	const struct ref_row *r = *state;

	if (ovm_refname_is_valid(r->ref) != r->ok)
		fail_msg("'%s': want %d", r->ref ? r->ref : "(null)", r->ok);
}

/* ---- ovm_event_load_github (getenv + file) ------------------------------ */

struct load_row {
	const char *id;
	const char *actions, *name, *path, *sha;	/* path: see below */
	struct expect x;
};

/* A path starting with "corpus:" is under the corpus directory. */
static const struct load_row load_rows[] = {
	{ "unset-is-local", NULL, "push",
	  "corpus:github-events/08-push-normal-4-commits.json", H40,
	  { 0, OVM_EV_LOCAL, "local", NULL, NULL, NULL, NULL, NULL, 0, 0, 0,
	    0, NULL, NULL, -1, -1 } },
	{ "reads-payload", "true", "push",
	  "corpus:github-events/08-push-normal-4-commits.json", H40,
	  { 0, OVM_EV_PUSH, "push", H40, H40B, "refs/heads/main", "main",
	    "Merge pull request #1 from amplify-security/feature/readme\n"
	    "add README", 0, 0, 0, 1, NULL, NULL, -1, -1 } },
	{ "missing-file", "true", "push", "/nonexistent/ovm/event.json", H40,
	  ERR("/nonexistent/ovm/event.json: cannot read the event payload "
	      "(GITHUB_EVENT_PATH)", "No such file", 0, -1) },
	{ "directory", "true", "push", "corpus:github-events", H40,
	  ERR("github-events: cannot read the event payload", NULL, 0, -1) },
	{ "empty-path-no-file", "true", "workflow_dispatch", "", H40,
	  { 0, OVM_EV_DISPATCH, "workflow_dispatch", NULL, H40, NULL, NULL,
	    NULL, 0, 0, 0, 1, NULL, NULL, -1, -1 } },
	{ "placeholder", "true", "push",
	  "corpus:github-events/12-push-forced-1-commit.json", H40,
	  ERR("12-push-forced-1-commit.json:2: 'after' is not an object id: "
	      "'push-after'", NULL, 2, -1) },
};

static void
set_or_unset(const char *k, const char *v)
{
	if (v == NULL)
		unsetenv(k);
	else
		setenv(k, v, 1);
}

static void
test_load_row(void **state)
{
	const struct load_row *r = *state;
	struct ovm_event ev = OVM_EVENT_INIT;
	struct ovm_err err = OVM_ERR_INIT;
	char path[4096];
	int rc;

	if (r->path != NULL && strncmp(r->path, "corpus:", 7) == 0)
		snprintf(path, sizeof(path), "%s/%s", tu_corpus_dir(),
		    r->path + 7);
	else
		snprintf(path, sizeof(path), "%s", r->path ? r->path : "");
	set_or_unset("GITHUB_ACTIONS", r->actions);
	set_or_unset("GITHUB_EVENT_NAME", r->name);
	set_or_unset("GITHUB_EVENT_PATH", r->path ? path : NULL);
	set_or_unset("GITHUB_SHA", r->sha);
	unsetenv("GITHUB_REF");
	unsetenv("GITHUB_REF_NAME");
	rc = ovm_event_load_github(&ev, &err);
	if (r->x.code != 0) {
		check_err(r->id, rc, &err, &r->x);
	} else {
		if (rc != 0)
			fail_msg("%s: %s", r->id, err.msg);
		check_event(r->id, &ev, &r->x);
	}
	ovm_event_free(&ev);
	ovm_event_free(NULL);
}

/* ---- main: one test per row --------------------------------------------- */

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

struct group {
	struct CMUnitTest *t;
	size_t n, cap;
};

static void
add(struct group *g, const char *name, CMUnitTestFunction fn,
    const void *row)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->t = realloc(g->t, g->cap * sizeof(*g->t));
		if (g->t == NULL)
			abort();
	}
	memset(&g->t[g->n], 0, sizeof(g->t[0]));
	g->t[g->n].name = name;
	g->t[g->n].test_func = fn;
	g->t[g->n].initial_state = (void *)(uintptr_t)row;
	g->n++;
}

/* Names outlive the run: kept in one list and freed at the end. */
static char *
name_of(const char *kind, size_t i, const char *what, char ***names,
    size_t *nn)
{
	char buf[160], *s;

	snprintf(buf, sizeof(buf), "%s[%zu] %.120s", kind, i, what);
	for (s = buf; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
	*names = realloc(*names, (*nn + 1) * sizeof(**names));
	(*names)[*nn] = strdup(buf);
	return (*names)[(*nn)++];
}

int
main(void)
{
	struct group g = { NULL, 0, 0 };
	struct corpus_row *rows = NULL;
	char *tsv, *p, **names = NULL;
	size_t i, nrows = 0, nn = 0;
	int failed;

	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/github-events/events.tsv",
		    tu_corpus_dir());
		tsv = tu_read_file(path, NULL);
		if (tsv == NULL) {
			fprintf(stderr, "cannot read %s\n", path);
			return 1;
		}
	}
	/* Skip the header; every other line is a payload. */
	p = strchr(tsv, '\n');
	while (p != NULL && p[1] != '\0') {
		char *line = p + 1;
		struct corpus_row *r;

		p = strchr(line, '\n');
		if (p != NULL)
			*p = '\0';
		if (*line == '\0')
			continue;
		rows = realloc(rows, (nrows + 1) * sizeof(*rows));
		r = &rows[nrows++];
		memset(r, 0, sizeof(*r));
		r->line = line;
		if (tu_split_tsv(line, r->f, C_NCOLS) < C_ENV + 1) {
			fprintf(stderr, "events.tsv: short line\n");
			return 1;
		}
	}
	if (nrows != 18)
		fprintf(stderr, "note: events.tsv has %zu rows\n", nrows);
	for (i = 0; i < nrows; i++)
		add(&g, name_of("corpus", i, rows[i].f[C_FILE], &names, &nn),
		    test_corpus_row, &rows[i]);
	for (i = 0; i < NROWS(payload_rows); i++)
		add(&g, name_of("payload", i, payload_rows[i].id, &names, &nn),
		    test_payload_row, &payload_rows[i]);
	add(&g, "payload nul-byte", test_payload_nul, NULL);
	for (i = 0; i < NROWS(flags_rows); i++)
		add(&g, name_of("flags", i, flags_rows[i].id, &names, &nn),
		    test_flags_row, &flags_rows[i]);
	for (i = 0; i < NROWS(skip_rows); i++)
		add(&g, name_of("skip", i, skip_rows[i].msg ?
		    skip_rows[i].msg : "(null)", &names, &nn), test_skip_row,
		    &skip_rows[i]);
	for (i = 0; i < NROWS(oid_rows); i++)
		add(&g, name_of("oid", i, oid_rows[i].hex ? oid_rows[i].hex :
		    "(null)", &names, &nn), test_oid_row, &oid_rows[i]);
	for (i = 0; i < NROWS(branch_rows); i++)
		add(&g, name_of("branch", i, branch_rows[i].name ?
		    branch_rows[i].name : "(null)", &names, &nn),
		    test_branch_row, &branch_rows[i]);
	for (i = 0; i < NROWS(ref_rows); i++)
		add(&g, name_of("ref", i, ref_rows[i].ref ? ref_rows[i].ref :
		    "(null)", &names, &nn), test_ref_row, &ref_rows[i]);
	for (i = 0; i < NROWS(load_rows); i++)
		add(&g, name_of("load", i, load_rows[i].id, &names, &nn),
		    test_load_row, &load_rows[i]);

	failed = _cmocka_run_group_tests("event", g.t, g.n, NULL, NULL);

	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(g.t);
	free(rows);
	free(tsv);
	return failed;
}
