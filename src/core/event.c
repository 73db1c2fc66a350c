/*
 * The event (doc/decisions.md#the-event): GitHub Actions env + payload, and flags.
 *
 * cJSON gives the values; a small scanner over the same bytes finds where a
 * member sits, so an error about a payload field can name its line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/event.h"
#include "util/util.h"

#define PAYLOAD_MAX (64 * 1024 * 1024)

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Locating a member in the raw JSON (already validated by cJSON), for the
 * line of a field error.  Keys are compared as raw bytes: a key written
 * with escapes is simply not found, and the error has no line.
 */
struct jscan {
	const char *s;
	size_t len, pos;
};

static int
is_json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
js_ws(struct jscan *j)
{
	while (j->pos < j->len && is_json_ws(j->s[j->pos]))
		j->pos++;
}

static int
js_string(struct jscan *j)
{
	for (j->pos++; j->pos < j->len; j->pos++) {
		if (j->s[j->pos] == '\\')
			j->pos++;
		else if (j->s[j->pos] == '"') {
			j->pos++;
			return 0;
		}
	}
	return -1;
}

static int
js_value(struct jscan *j)
{
	int depth = 0;

	js_ws(j);
	if (j->pos >= j->len)
		return -1;
	if (j->s[j->pos] == '"')
		return js_string(j);
	if (j->s[j->pos] != '{' && j->s[j->pos] != '[') {
		while (j->pos < j->len && !is_json_ws(j->s[j->pos]) &&
		    strchr(",}]", j->s[j->pos]) == NULL)
			j->pos++;
		return 0;
	}
	while (j->pos < j->len) {
		char c = j->s[j->pos];

		if (c == '"') {
			if (js_string(j) < 0)
				return -1;
			continue;
		}
		j->pos++;
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		if (depth == 0)
			return 0;
	}
	return -1;
}

/* At an object: moves to the value of member key; -1 when not found. */
static int
js_member(struct jscan *j, const char *key)
{
	size_t start, klen = strlen(key);
	int found;

	js_ws(j);
	if (j->pos >= j->len || j->s[j->pos] != '{')
		return -1;
	j->pos++;
	for (;;) {
		js_ws(j);
		if (j->pos >= j->len || j->s[j->pos] != '"')
			return -1;
		start = j->pos + 1;
		if (js_string(j) < 0)
			return -1;
		found = j->pos - 1 - start == klen &&
		    memcmp(j->s + start, key, klen) == 0;
		js_ws(j);
		if (j->pos >= j->len || j->s[j->pos] != ':')
			return -1;
		j->pos++;
		js_ws(j);
		if (found)
			return 0;
		if (js_value(j) < 0)
			return -1;
		js_ws(j);
		if (j->pos >= j->len || j->s[j->pos] != ',')
			return -1;
		j->pos++;
	}
}

/* 1-based line and column of byte offset off. */
static void
line_col(const char *s, size_t off, int *line, int *col)
{
	size_t i, bol = 0;
	int l = 1;

	for (i = 0; i < off; i++)
		if (s[i] == '\n') {
			l++;
			bol = i + 1;
		}
	*line = l;
	*col = (int)(off - bol) + 1;
}

/* What the payload is being read with: names for messages, bytes for lines. */
struct pctx {
	const char *file;
	const char *payload;
	size_t len;
	struct ovm_err *err;
};

/* Sets an OVM_EINPUT error about the payload field at keys[0].keys[1]... */
static int
field_err(const struct pctx *c, const char *const *keys, int nkeys,
    const char *fmt, ...)
{
	struct jscan j = { c->payload, c->len, 0 };
	char what[OVM_ERR_MSG_MAX];
	int i, line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (j.len >= 3 && memcmp(j.s, "\xef\xbb\xbf", 3) == 0)
		j.pos = 3;
	for (i = 0; i < nkeys; i++)
		if (js_member(&j, keys[i]) < 0)
			break;
	if (i == nkeys)
		line_col(j.s, j.pos, &line, &col);
	ovm_err_set_at(c->err, OVM_EINPUT, c->file, line, "%s", what);
	if (c->err != NULL)
		c->err->column = col;
	return OVM_EINPUT;
}

static const char *
json_type(const cJSON *v)
{
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "an array";
	return "an object";
}

/* keys[n-1] of obj as a string; *out NULL when absent or null. */
static int
get_str(const char **out, const cJSON *obj, const struct pctx *c,
    const char *const *keys, int n, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, keys[n - 1]);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return field_err(c, keys, n, "'%s' must be a string, not %s",
		    field, json_type(v));
	*out = v->valuestring;
	return 0;
}

static int
get_bool(int *out, const cJSON *obj, const struct pctx *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return field_err(c, &key, 1, "'%s' must be a boolean, not %s",
		    key, json_type(v));
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return 0;
}

/* A payload object id: valid, copied lower-case into *out. */
static int
get_oid(char **out, const cJSON *obj, const struct pctx *c, const char *key)
{
	const char *s;
	char q[160];
	int rc = get_str(&s, obj, c, &key, 1, key);

	if (rc < 0 || s == NULL)
		return rc;
	if (!ovm_oid_is_valid(s)) {
		field_err(c, &key, 1, "'%s' is not an object id: '%s'", key,
		    ovm_quote(q, sizeof(q), s));
		return ovm_err_hint(c->err, "expected 40 or 64 hex digits "
		    "(is this a test fixture?); pass --%s with the commit id",
		    key);
	}
	*out = ovm_oid_dup(s);
	return *out == NULL ? ovm_err_set(c->err, OVM_ENOMEM, "out of memory") : 0;
}

/* Parses the payload: one JSON object and nothing after it. */
static int
parse_payload(cJSON **out, const struct pctx *c)
{
	const char *end = NULL;
	cJSON *root;
	int line, col;
	size_t off;

	*out = NULL;
	if (c->len == 0)
		return ovm_err_set_at(c->err, OVM_EINPUT, c->file, 0,
		    "the event payload is empty");
	/* cJSON would cut a string at a NUL and hide what follows. */
	if (memchr(c->payload, '\0', c->len) != NULL) {
		off = (size_t)((const char *)memchr(c->payload, '\0', c->len) -
		    c->payload);
		goto bad;
	}
	root = cJSON_ParseWithLengthOpts(c->payload, c->len, &end, 0);
	if (root != NULL) {
		off = (size_t)(end - c->payload);
		while (off < c->len && is_json_ws(c->payload[off]))
			off++;
		if (off == c->len) {
			if (cJSON_IsObject(root)) {
				*out = root;
				return 0;
			}
			cJSON_Delete(root);
			return ovm_err_set_at(c->err, OVM_EINPUT, c->file, 1,
			    "the event payload is not a JSON object");
		}
		cJSON_Delete(root);
	} else {
		off = end != NULL && end >= c->payload ?
		    (size_t)(end - c->payload) : 0;
		if (off > c->len)
			off = c->len;
	}
bad:
	line_col(c->payload, off, &line, &col);
	ovm_err_set(c->err, OVM_EINPUT, "%s:%d:%d: invalid JSON in the event "
	    "payload", c->file, line, col);
	if (c->err != NULL) {
		snprintf(c->err->file, sizeof(c->err->file), "%s", c->file);
		c->err->line = line;
		c->err->column = col;
	}
	return OVM_EINPUT;
}

static int
env_set(const char *v)
{
	return v != NULL && *v != '\0';
}

/* GITHUB_SHA into *out; strict for push/dispatch, else dropped if bad. */
static int
env_oid(char **out, const char *v, int strict, struct ovm_err *err)
{
	char q[160];

	if (!env_set(v))
		return 0;
	if (!ovm_oid_is_valid(v)) {
		if (!strict)
			return 0;
		return ovm_err_set(err, OVM_EINPUT, "GITHUB_SHA is not an "
		    "object id: '%s'", ovm_quote(q, sizeof(q), v));
	}
	*out = ovm_oid_dup(v);
	return *out == NULL ? ovm_err_nomem(err) : 0;
}

/* Sets ev->ref (and branch) from s; s must be a full, valid ref name. */
static int
set_ref(struct ovm_event *ev, const char *s)
{
	ev->ref = dup_n(s, strlen(s));
	if (ev->ref == NULL)
		return OVM_ENOMEM;
	if (strncmp(s, "refs/heads/", 11) == 0) {
		ev->branch = dup_n(s + 11, strlen(s + 11));
		if (ev->branch == NULL)
			return OVM_ENOMEM;
	}
	return 0;
}

static int
full_ref_ok(const char *s)
{
	return strncmp(s, "refs/", 5) == 0 && ovm_refname_is_valid(s);
}

/* The ref: payload "ref" when given, else GITHUB_REF. */
static int
read_ref(struct ovm_event *ev, const cJSON *root, const struct pctx *c,
    const struct ovm_gh_env *env, int strict)
{
	static const char *const key[] = { "ref" };
	const char *s = NULL;
	char q[160];
	int rc;

	if (root != NULL) {
		rc = get_str(&s, root, c, key, 1, "ref");
		if (rc < 0)
			return rc;
	}
	if (s != NULL && !full_ref_ok(s))
		return field_err(c, key, 1, "'ref' is not a full ref name: "
		    "'%s'", ovm_quote(q, sizeof(q), s));
	if (s == NULL && env_set(env->ref)) {
		s = env->ref;
		if (!full_ref_ok(s) && strict)
			return ovm_err_set(c->err, OVM_EINPUT, "GITHUB_REF is "
			    "not a full ref name: '%s'",
			    ovm_quote(q, sizeof(q), s));
		if (!full_ref_ok(s))
			s = NULL;
	}
	if (s != NULL && set_ref(ev, s) < 0)
		return ovm_err_set(c->err, OVM_ENOMEM, "out of memory");
	return 0;
}

static int
read_push(struct ovm_event *ev, const cJSON *root, const struct pctx *c)
{
	static const char *const msg_keys[] = { "head_commit", "message" };
	const cJSON *head;
	const char *msg;
	int rc;

	rc = get_oid(&ev->before, root, c, "before");
	if (rc == 0)
		rc = get_oid(&ev->after, root, c, "after");
	if (rc == 0)
		rc = get_bool(&ev->created, root, c, "created");
	if (rc == 0)
		rc = get_bool(&ev->deleted, root, c, "deleted");
	if (rc == 0)
		rc = get_bool(&ev->forced, root, c, "forced");
	if (rc < 0)
		return rc;
	head = cJSON_GetObjectItemCaseSensitive(root, "head_commit");
	if (head == NULL || cJSON_IsNull(head))
		return 0;
	if (!cJSON_IsObject(head))
		return field_err(c, msg_keys, 1, "'head_commit' must be an "
		    "object, not %s", json_type(head));
	rc = get_str(&msg, head, c, msg_keys, 2, "head_commit.message");
	if (rc < 0 || msg == NULL)
		return rc;
	ev->head_message = dup_n(msg, strlen(msg));
	return ev->head_message == NULL ?
	    ovm_err_set(c->err, OVM_ENOMEM, "out of memory") : 0;
}

int
ovm_event_from_github(struct ovm_event *out, const struct ovm_gh_env *env,
    const char *payload, size_t len, struct ovm_err *err)
{
	struct ovm_event ev = OVM_EVENT_INIT;
	struct pctx c = { NULL, payload, len, err };
	cJSON *root = NULL;
	const char *name;
	int rc = 0;

	*out = ev;
	c.file = env_set(env->event_path) ? env->event_path : "event payload";
	if (env->actions == NULL || strcmp(env->actions, "true") != 0) {
		ev.kind = OVM_EV_LOCAL;
		name = "local";
	} else {
		if (!env_set(env->event_name))
			return ovm_err_set(err, OVM_EINPUT, "GITHUB_ACTIONS is "
			    "'true' but GITHUB_EVENT_NAME is not set");
		name = env->event_name;
		ev.from_github = 1;
		if (strcmp(name, "push") == 0)
			ev.kind = OVM_EV_PUSH;
		else if (strcmp(name, "workflow_dispatch") == 0)
			ev.kind = OVM_EV_DISPATCH;
	}
	ev.name = dup_n(name, strlen(name));
	if (ev.name == NULL) {
		rc = ovm_err_nomem(err);
		goto done;
	}
	if (ev.kind == OVM_EV_LOCAL)
		goto done;
	if (payload != NULL) {
		rc = parse_payload(&root, &c);
		if (rc < 0)
			goto done;
	}
	if (ev.kind == OVM_EV_PUSH && root != NULL) {
		rc = read_push(&ev, root, &c);
		if (rc < 0)
			goto done;
	}
	/* A push payload without "after" falls back to GITHUB_SHA too. */
	if (ev.after == NULL) {
		rc = env_oid(&ev.after, env->sha, ev.kind != OVM_EV_OTHER, err);
		if (rc < 0)
			goto done;
	}
	rc = read_ref(&ev, ev.kind == OVM_EV_OTHER ? NULL : root, &c, env,
	    ev.kind != OVM_EV_OTHER);
done:
	cJSON_Delete(root);
	if (rc < 0)
		ovm_event_free(&ev);
	else
		*out = ev;
	return rc;
}

int
ovm_event_load_github(struct ovm_event *out, struct ovm_err *err)
{
	struct ovm_gh_env env;
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	FILE *f = NULL;
	int rc;

	env.actions = getenv("GITHUB_ACTIONS");
	env.event_name = getenv("GITHUB_EVENT_NAME");
	env.event_path = getenv("GITHUB_EVENT_PATH");
	env.sha = getenv("GITHUB_SHA");
	env.ref = getenv("GITHUB_REF");
	env.ref_name = getenv("GITHUB_REF_NAME");
	if (env.actions != NULL && strcmp(env.actions, "true") == 0 &&
	    env_set(env.event_path)) {
		f = fopen(env.event_path, "rb");
		if (f == NULL) {
			rc = ovm_err_set_at(err, OVM_EINPUT, env.event_path, 0,
			    "cannot read the event payload (GITHUB_EVENT_PATH): "
			    "%s", strerror(errno));
			goto done;
		}
		for (;;) {
			if (cap - len < 4096) {
				cap = cap ? cap * 2 : 65536;
				nb = realloc(buf, cap);
				if (nb == NULL) {
					rc = ovm_err_set(err, OVM_ENOMEM,
					    "out of memory");
					goto done;
				}
				buf = nb;
			}
			n = fread(buf + len, 1, cap - len - 1, f);
			len += n;
			if (n == 0)
				break;
			if (len > PAYLOAD_MAX) {
				rc = ovm_err_set_at(err, OVM_EINPUT,
				    env.event_path, 0, "the event payload is "
				    "larger than %d MiB", PAYLOAD_MAX >> 20);
				goto done;
			}
		}
		if (ferror(f)) {
			rc = ovm_err_set_at(err, OVM_EINPUT, env.event_path, 0,
			    "cannot read the event payload (GITHUB_EVENT_PATH): "
			    "%s", strerror(errno));
			goto done;
		}
		buf[len] = '\0';
	}
	rc = ovm_event_from_github(out, &env, buf, len, err);
done:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}


void
ovm_event_free(struct ovm_event *ev)
{
	struct ovm_event empty = OVM_EVENT_INIT;

	if (ev == NULL)
		return;
	free(ev->name);
	free(ev->before);
	free(ev->after);
	free(ev->head_message);
	free(ev->ref);
	free(ev->branch);
	*ev = empty;
}

const char *
ovm_event_kind_name(enum ovm_event_kind kind)
{
	switch (kind) {
	case OVM_EV_PUSH:
		return "push";
	case OVM_EV_DISPATCH:
		return "workflow_dispatch";
	case OVM_EV_LOCAL:
		return "local";
	default:
		return "other";
	}
}
