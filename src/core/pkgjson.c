/*
 * package.json / package-lock.json versions.  Everything goes through the
 * token view of json.c, never a regex: a "version" earlier in the file,
 * nested or inside a string, must not be mistaken for the real one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/pkgjson.h"

#define MAX_SPANS 2

static int
line_at(const char *buf, size_t len, size_t off)
{
	int line;

	ovm_json_line_col(&line, NULL, buf, len, off);
	return line;
}

/*
 * The members of container called name: the first in *out, how many in
 * *count_out and, for duplicates, the line of the second in *dup_line.
 */
static int
member(struct ovm_json_tok *out, int *count_out, int *dup_line,
    const char *buf, size_t len, const struct ovm_json_tok *container,
    const char *name)
{
	struct ovm_json_iter it;
	struct ovm_json_tok t;
	int r, count = 0;

	memset(out, 0, sizeof(*out));
	*dup_line = 0;
	if (ovm_json_iter_init(&it, buf, len, container) < 0)
		return OVM_EINPUT;
	for (;;) {
		r = ovm_json_iter_next(&t, &it);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (!ovm_json_key_equals(buf, &t, name, strlen(name)))
			continue;
		if (count == 0)
			*out = t;
		else if (count == 1)
			*dup_line = line_at(buf, len, t.key_off);
		count++;
	}
	*count_out = count;
	return 0;
}

/* Line of the first "version" member below container, 0 if none. */
static int
nested_version_line(const char *buf, size_t len,
    const struct ovm_json_tok *container)
{
	struct ovm_json_iter it;
	struct ovm_json_tok t;
	int r;

	if (ovm_json_iter_init(&it, buf, len, container) < 0)
		return 0;
	for (;;) {
		if (ovm_json_iter_next(&t, &it) <= 0)
			return 0;
		if (ovm_json_key_equals(buf, &t, "version", 7))
			return line_at(buf, len, t.key_off);
		if (t.type == OVM_JSON_OBJECT || t.type == OVM_JSON_ARRAY) {
			r = nested_version_line(buf, len, &t);
			if (r > 0)
				return r;
		}
	}
}

/* Hints at a nested "version" when the top-level one is missing. */
static void
hint_nested(struct ovm_err *err, const char *buf, size_t len,
    const struct ovm_json_tok *root)
{
	struct ovm_json_iter it;
	struct ovm_json_tok t;
	char *name = NULL;
	int line;

	if (ovm_json_iter_init(&it, buf, len, root) < 0)
		return;
	for (;;) {
		if (ovm_json_iter_next(&t, &it) <= 0)
			break;
		if (t.type != OVM_JSON_OBJECT && t.type != OVM_JSON_ARRAY)
			continue;
		line = nested_version_line(buf, len, &t);
		if (line == 0)
			continue;
		if (ovm_json_string_decode(&name, NULL, buf, t.key_off,
		    t.key_len) == 0)
			ovm_err_hint(err, "the 'version' at line %d is inside "
			    "'%s'; add a top-level \"version\" member", line,
			    name);
		free(name);
		return;
	}
	ovm_err_hint(err, "add a top-level \"version\" member");
}

/* The token at tok must be a string: what = "'version'" for messages. */
static int
need_string(const struct ovm_json_tok *tok, const char *what,
    const char *buf, size_t len, const char *path, struct ovm_err *err)
{
	int line = line_at(buf, len, tok->off);

	if (tok->type == OVM_JSON_STRING)
		return 0;
	if (tok->type == OVM_JSON_OBJECT || tok->type == OVM_JSON_ARRAY ||
	    tok->len > 40)
		return ovm_err_set_at(err, OVM_EINPUT, path, line,
		    "%s is %s, not a string", what,
		    ovm_json_type_name(tok->type));
	return ovm_err_set_at(err, OVM_EINPUT, path, line,
	    "%s is %s (%.*s), not a string", what,
	    ovm_json_type_name(tok->type), (int)tok->len, buf + tok->off);
}

/* Checks count and type of a version member found by member(). */
static int
check_version(const struct ovm_json_tok *tok, int count, int dup_line,
    const char *what, const char *buf, size_t len, const char *path,
    struct ovm_err *err)
{
	if (count == 0)
		return OVM_ENOTFOUND;
	if (count > 1) {
		ovm_err_set_at(err, OVM_EINPUT, path, dup_line,
		    "duplicate %s (first at line %d)", what,
		    line_at(buf, len, tok->key_off));
		return ovm_err_hint(err, "keep one: JSON readers disagree "
		    "on which one counts");
	}
	return need_string(tok, what, buf, len, path, err);
}

/*
 * Validates buf, checks that its top level is an object (*root_out) and
 * finds the top-level "version".  OVM_ENOTFOUND (err untouched) when there
 * is none.
 */
static int
find_top_version(struct ovm_json_tok *out, struct ovm_json_tok *root_out,
    const char *buf, size_t len, const char *path, struct ovm_err *err)
{
	int r, count, dup_line;

	memset(out, 0, sizeof(*out));
	r = ovm_json_validate(buf, len, path, err);
	if (r < 0)
		return r;
	if (ovm_json_root(root_out, buf, len) < 0)
		return ovm_err_set_at(err, OVM_EINPUT, path, 0,
		    "invalid JSON");
	if (root_out->type != OVM_JSON_OBJECT)
		return ovm_err_set_at(err, OVM_EINPUT, path,
		    line_at(buf, len, root_out->off), "top-level JSON value "
		    "is %s, not an object", ovm_json_type_name(root_out->type));
	r = member(out, &count, &dup_line, buf, len, root_out, "version");
	if (r < 0)
		return ovm_err_set_at(err, OVM_EINPUT, path, 0,
		    "invalid JSON");
	return check_version(out, count, dup_line, "top-level 'version'",
	    buf, len, path, err);
}

/*
 * packages[""].version of a lockfile; OVM_ENOTFOUND (err untouched) when
 * any step is missing or is not an object.
 */
static int
find_packages_version(struct ovm_json_tok *out, const char *buf, size_t len,
    const struct ovm_json_tok *root, const char *path, struct ovm_err *err)
{
	static const char *const steps[] = { "packages", "", "version" };
	static const char *const names[] = { "'packages'",
	    "'packages[\"\"]'", "'packages[\"\"].version'" };
	struct ovm_json_tok cur = *root, next;
	size_t i;
	int r, count, dup_line;

	for (i = 0; i < 3; i++) {
		if (cur.type != OVM_JSON_OBJECT)
			return OVM_ENOTFOUND;
		r = member(&next, &count, &dup_line, buf, len, &cur,
		    steps[i]);
		if (r < 0)
			return ovm_err_set_at(err, OVM_EINPUT, path, 0,
			    "invalid JSON");
		if (count == 0)
			return OVM_ENOTFOUND;
		if (count > 1 || i == 2) {
			r = check_version(&next, count, dup_line, names[i],
			    buf, len, path, err);
			if (r < 0)
				return r;
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

/* Decodes a version token; U+0000 would silently cut a C string short. */
static int
decode_version(char **out, const struct ovm_json_tok *tok, const char *what,
    const char *buf, size_t len, const char *path, struct ovm_err *err)
{
	size_t n;
	int r;

	r = ovm_json_string_decode(out, &n, buf, tok->off, tok->len);
	if (r == OVM_ENOMEM)
		return ovm_err_set(err, r, "out of memory");
	if (r < 0)
		return ovm_err_set_at(err, r, path, line_at(buf, len, tok->off),
		    "%s is not a valid JSON string", what);
	if (strlen(*out) != n) {
		free(*out);
		*out = NULL;
		return ovm_err_set_at(err, OVM_EINPUT, path,
		    line_at(buf, len, tok->off), "%s contains U+0000", what);
	}
	return 0;
}

int
ovm_pkgjson_version_loc(char **out, struct ovm_pkgjson_loc *loc_out,
    const char *buf, size_t len, const char *path, struct ovm_err *err)
{
	struct ovm_json_tok tok, root;
	int r;

	*out = NULL;
	if (loc_out != NULL)
		memset(loc_out, 0, sizeof(*loc_out));
	r = find_top_version(&tok, &root, buf, len, path, err);
	if (r == OVM_ENOTFOUND) {
		ovm_err_set_at(err, OVM_EINPUT, path,
		    line_at(buf, len, root.off),
		    "no top-level 'version' member");
		hint_nested(err, buf, len, &root);
		return OVM_EINPUT;
	}
	if (r < 0)
		return r;
	r = decode_version(out, &tok, "top-level 'version'", buf, len, path,
	    err);
	if (r < 0)
		return r;
	if (loc_out != NULL) {
		loc_out->off = tok.off;
		loc_out->len = tok.len;
		loc_out->line = line_at(buf, len, tok.off);
	}
	return 0;
}

int
ovm_pkgjson_version(char **out, const char *buf, size_t len,
    const char *path, struct ovm_err *err)
{
	return ovm_pkgjson_version_loc(out, NULL, buf, len, path, err);
}

/*
 * buf with each span (sorted by offset, not overlapping) replaced by the
 * JSON string token of version.  Allocates *out, NUL-terminated.
 */
static int
splice(char **out, size_t *out_len, const char *buf, size_t len,
    const struct ovm_json_tok *spans, int n, const char *version,
    struct ovm_err *err)
{
	size_t vlen = strlen(version), enc, total = len, at = 0, w = 0;
	char *dst = NULL;
	int i;

	enc = ovm_json_string_encode(NULL, 0, version, vlen);
	for (i = 0; i < n; i++)
		total = total - spans[i].len + enc;
	dst = malloc(total + 1);
	if (dst == NULL)
		return ovm_err_nomem(err);
	for (i = 0; i < n; i++) {
		memcpy(dst + w, buf + at, spans[i].off - at);
		w += spans[i].off - at;
		w += ovm_json_string_encode(dst + w, enc, version, vlen);
		at = spans[i].off + spans[i].len;
	}
	memcpy(dst + w, buf + at, len - at);
	w += len - at;
	dst[w] = '\0';
	*out = dst;
	*out_len = w;
	return 0;
}

static int
check_new_version(const char *version, const char *path, struct ovm_err *err)
{
	if (version == NULL)
		return ovm_err_set(err, OVM_EINPUT, "no version to write");
	if (!ovm_json_utf8_valid(version, strlen(version)))
		return ovm_err_set_at(err, OVM_EINPUT, path, 0,
		    "the new version is not valid UTF-8");
	return 0;
}

static int
readback_failed(const char *path, struct ovm_err *err)
{
	return ovm_err_set_at(err, OVM_EINPUT, path, 0, "the rewritten "
	    "file does not read back the new version");
}

int
ovm_pkgjson_set_version(char **out, size_t *out_len, const char *buf,
    size_t len, const char *version, const char *path, struct ovm_err *err)
{
	struct ovm_pkgjson_loc loc;
	struct ovm_json_tok span;
	char *old = NULL, *back = NULL, *res = NULL;
	size_t res_len = 0;
	int r;

	*out = NULL;
	*out_len = 0;
	r = check_new_version(version, path, err);
	if (r < 0)
		goto done;
	r = ovm_pkgjson_version_loc(&old, &loc, buf, len, path, err);
	if (r < 0)
		goto done;
	memset(&span, 0, sizeof(span));
	span.off = loc.off;
	span.len = loc.len;
	r = splice(&res, &res_len, buf, len, &span, 1, version, err);
	if (r < 0)
		goto done;
	r = ovm_pkgjson_version(&back, res, res_len, path, err);
	if (r < 0)
		goto done;
	if (strcmp(back, version) != 0) {
		r = readback_failed(path, err);
		goto done;
	}
	*out = res;
	*out_len = res_len;
	res = NULL;
done:
	free(old);
	free(back);
	free(res);
	return r;
}

int
ovm_npmlock_version(char **out, const char *buf, size_t len,
    const char *path, struct ovm_err *err)
{
	struct ovm_json_tok tok, root;
	int r;

	*out = NULL;
	r = find_top_version(&tok, &root, buf, len, path, err);
	if (r == OVM_ENOTFOUND)
		return 0;
	if (r < 0)
		return r;
	return decode_version(out, &tok, "top-level 'version'", buf, len,
	    path, err);
}

/*
 * The root version tokens of a lockfile, in file order; *n_out of them.
 * Each must decode (so a later read-back compares like with like).
 */
static int
lock_spans(struct ovm_json_tok spans[MAX_SPANS], int *n_out,
    const char *buf, size_t len, const char *path, struct ovm_err *err)
{
	struct ovm_json_tok root, tok, tmp;
	char *s = NULL;
	int r, n = 0, i;

	*n_out = 0;
	r = find_top_version(&tok, &root, buf, len, path, err);
	if (r < 0 && r != OVM_ENOTFOUND)
		return r;
	if (r == 0)
		spans[n++] = tok;
	r = find_packages_version(&tok, buf, len, &root, path, err);
	if (r < 0 && r != OVM_ENOTFOUND)
		return r;
	if (r == 0)
		spans[n++] = tok;
	if (n == 2 && spans[1].off < spans[0].off) {
		tmp = spans[0];
		spans[0] = spans[1];
		spans[1] = tmp;
	}
	for (i = 0; i < n; i++) {
		r = decode_version(&s, &spans[i], "root 'version'", buf, len,
		    path, err);
		if (r < 0)
			return r;
		free(s);
		s = NULL;
	}
	*n_out = n;
	return 0;
}

int
ovm_npmlock_set_version(char **out, size_t *out_len, int *changed_out,
    const char *buf, size_t len, const char *version, const char *path,
    struct ovm_err *err)
{
	struct ovm_json_tok spans[MAX_SPANS], again[MAX_SPANS];
	char *res = NULL, *back = NULL;
	size_t res_len = 0;
	int r, n = 0, m = 0, i;

	*out = NULL;
	*out_len = 0;
	*changed_out = 0;
	r = check_new_version(version, path, err);
	if (r < 0)
		goto done;
	r = lock_spans(spans, &n, buf, len, path, err);
	if (r < 0)
		goto done;
	r = splice(&res, &res_len, buf, len, spans, n, version, err);
	if (r < 0)
		goto done;
	r = lock_spans(again, &m, res, res_len, path, err);
	if (r < 0)
		goto done;
	if (m != n) {
		r = readback_failed(path, err);
		goto done;
	}
	for (i = 0; i < m; i++) {
		r = ovm_json_string_decode(&back, NULL, res, again[i].off,
		    again[i].len);
		if (r < 0 || strcmp(back, version) != 0) {
			r = r == OVM_ENOMEM ? ovm_err_set(err, r,
			    "out of memory") : readback_failed(path, err);
			goto done;
		}
		free(back);
		back = NULL;
	}
	*out = res;
	*out_len = res_len;
	*changed_out = n;
	res = NULL;
done:
	free(back);
	free(res);
	return r;
}
