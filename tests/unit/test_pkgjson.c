/*
 * pkgjson.c against the shared corpus (every row of package-json/cases.tsv
 * and lockfiles/lockfiles.tsv) plus hand-written rows.
 */
#include "testutil.h"

#include "core/pkgjson.h"

#define CHECK(row, cond, ...) do { \
	if (!(cond)) { \
		print_error("row '%s': ", (row)); \
		fail_msg(__VA_ARGS__); \
	} \
} while (0)

/* Calls fn(fields, n) for each data row of a corpus TSV; returns rows. */
static int
each_tsv_row(const char *rel, void (*fn)(char **, int))
{
	char *buf, *line, *next;
	char *fields[16];
	int rows = 0, n;

	buf = tu_read_corpus(rel, NULL);
	line = strchr(buf, '\n');	/* skip the header */
	assert_non_null(line);
	for (line++; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line == '\0')
			continue;
		n = tu_split_tsv(line, fields, 16);
		fn(fields, n);
		rows++;
	}
	free(buf);
	return rows;
}

/* What an ERROR row's reason must show up as in our message. */
static const struct {
	const char *reason;
	const char *msg;
} reasons[] = {
	{ "empty file", "invalid JSON: empty input" },
	{ "no top-level \"version\" member", "no top-level 'version' member" },
	{ "a second byte-order mark", "unexpected byte-order mark" },
	{ "is a number (1)", "top-level 'version' is a number (1), not a "
	    "string" },
	{ "is null (null)", "top-level 'version' is null (null), not a "
	    "string" },
	{ "duplicate \"version\"", "duplicate top-level 'version' (first at "
	    "line 3)" },
	{ "is an array", "top-level JSON value is an array, not an object" },
	{ "invalid JSON at line", "invalid JSON: " },
};

static int ok_rows, error_rows;

static void
case_row(char **f, int n)
{
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_pkgjson_loc loc;
	char rel[512], path[512];
	char *in = NULL, *want = NULL, *version = NULL, *out = NULL;
	size_t in_len = 0, want_len = 0, out_len = 0, i;
	int r, line, col, matched = 0;

	assert_true(n >= 6);
	snprintf(rel, sizeof(rel), "package-json/%s", f[0]);
	snprintf(path, sizeof(path), "%s", f[0]);
	in = tu_read_corpus(rel, &in_len);

	if (strcmp(f[2], "OK") == 0) {
		ok_rows++;
		r = ovm_pkgjson_version_loc(&version, &loc, in, in_len, path,
		    &err);
		CHECK(f[0], r == 0, "read failed: %s", err.msg);
		CHECK(f[0], strcmp(version, f[4]) == 0, "version '%s', want "
		    "'%s'", version, f[4]);
		CHECK(f[0], loc.off == strtoul(f[5], NULL, 10),
		    "offset %zu, want %s", loc.off, f[5]);
		CHECK(f[0], loc.line >= 1 && in[loc.off] == '"' &&
		    in[loc.off + loc.len - 1] == '"', "bad location");
		snprintf(rel, sizeof(rel), "package-json/%s", f[1]);
		want = tu_read_corpus(rel, &want_len);
		r = ovm_pkgjson_set_version(&out, &out_len, in, in_len,
		    "9.9.9", path, &err);
		CHECK(f[0], r == 0, "set failed: %s", err.msg);
		CHECK(f[0], out_len == want_len &&
		    memcmp(out, want, want_len) == 0,
		    "output differs from %s", f[1]);
		CHECK(f[0], out[out_len] == '\0', "not NUL-terminated");
		free(out);
		out = NULL;
		/* Idempotent: the expected file stays byte for byte. */
		r = ovm_pkgjson_set_version(&out, &out_len, want, want_len,
		    "9.9.9", path, &err);
		CHECK(f[0], r == 0 && out_len == want_len &&
		    memcmp(out, want, want_len) == 0, "second set differs");
		goto done;
	}

	error_rows++;
	assert_string_equal(f[2], "ERROR");
	r = ovm_pkgjson_version(&version, in, in_len, path, &err);
	CHECK(f[0], r == OVM_EINPUT && version == NULL,
	    "want OVM_EINPUT, got %d", r);
	CHECK(f[0], err.line >= 1, "no line: '%s'", err.msg);
	CHECK(f[0], strncmp(err.msg, path, strlen(path)) == 0 &&
	    err.msg[strlen(path)] == ':', "message lacks the path: '%s'",
	    err.msg);
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (strstr(f[3], reasons[i].reason) == NULL)
			continue;
		matched = 1;
		CHECK(f[0], strstr(err.msg, reasons[i].msg) != NULL,
		    "message '%s' lacks '%s'", err.msg, reasons[i].msg);
	}
	CHECK(f[0], matched, "no expectation for reason '%s'", f[3]);
	if (sscanf(f[3], "invalid JSON at line %d column %d", &line,
	    &col) == 2)
		CHECK(f[0], err.line == line && err.column == col,
		    "at %d:%d, want %d:%d (%s)", err.line, err.column, line,
		    col, err.msg);
	/* Writing refuses the same way and leaves nothing behind. */
	ovm_err_clear(&err);
	r = ovm_pkgjson_set_version(&out, &out_len, in, in_len, "9.9.9",
	    path, &err);
	CHECK(f[0], r == OVM_EINPUT && out == NULL && out_len == 0 &&
	    err.line >= 1, "set: want OVM_EINPUT with a line, got %d (%s)",
	    r, err.msg);
done:
	free(in);
	free(want);
	free(version);
	free(out);
}

static void
test_corpus_cases(void **state)
{
	int rows;

	(void)state;
	ok_rows = error_rows = 0;
	rows = each_tsv_row("package-json/cases.tsv", case_row);
	print_message("cases.tsv: %d rows (%d OK, %d ERROR)\n", rows,
	    ok_rows, error_rows);
	assert_int_equal(rows, 40);
	assert_int_equal(ok_rows, 27);
	assert_int_equal(error_rows, 13);
}

static int lock_rows;

/* Count of '="' in "/version=\"1\"; /packages/\"\"/version=\"1\"". */
static int
count_locations(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (s[0] == '=' && s[1] == '"')
			n++;
	return n;
}

static void
lock_row(char **f, int n)
{
	struct ovm_err err = OVM_ERR_INIT;
	char rel[512];
	char *in = NULL, *want = NULL, *out = NULL, *version = NULL;
	const char *top;
	size_t in_len = 0, want_len = 0, out_len = 0, vlen;
	int r, changed, expect_changed;

	assert_true(n >= 4);
	lock_rows++;
	snprintf(rel, sizeof(rel), "package-json/lockfiles/%s", f[0]);
	in = tu_read_corpus(rel, &in_len);
	expect_changed = count_locations(f[3]);

	r = ovm_npmlock_set_version(&out, &out_len, &changed, in, in_len,
	    "9.9.9", f[0], &err);
	CHECK(f[0], r == 0, "set failed: %s", err.msg);
	CHECK(f[0], changed == expect_changed, "changed %d, want %d",
	    changed, expect_changed);
	if (f[1][0] == '-') {
		CHECK(f[0], out_len == in_len &&
		    memcmp(out, in, in_len) == 0, "a copy was expected");
	} else {
		snprintf(rel, sizeof(rel), "package-json/lockfiles/%s", f[1]);
		want = tu_read_corpus(rel, &want_len);
		CHECK(f[0], out_len == want_len &&
		    memcmp(out, want, want_len) == 0,
		    "output differs from %s", f[1]);
	}

	/* The root version reads as the column says. */
	r = ovm_npmlock_version(&version, in, in_len, f[0], &err);
	CHECK(f[0], r == 0, "read failed: %s", err.msg);
	top = strstr(f[3], "/version=\"");
	if (top == f[3]) {
		top += strlen("/version=\"");
		vlen = (size_t)(strchr(top, '"') - top);
		CHECK(f[0], version != NULL && strlen(version) == vlen &&
		    memcmp(version, top, vlen) == 0, "root version '%s'",
		    version ? version : "(null)");
	} else {
		CHECK(f[0], version == NULL, "root version '%s', want none",
		    version);
	}
	free(version);
	version = NULL;
	r = ovm_npmlock_version(&version, out, out_len, f[0], &err);
	CHECK(f[0], r == 0 && (expect_changed == 0 ? version == NULL :
	    strcmp(version, "9.9.9") == 0), "read back failed");
	free(in);
	free(want);
	free(out);
	free(version);
}

static void
test_corpus_lockfiles(void **state)
{
	int rows;

	(void)state;
	lock_rows = 0;
	rows = each_tsv_row("package-json/lockfiles/lockfiles.tsv", lock_row);
	print_message("lockfiles.tsv: %d rows\n", rows);
	assert_int_equal(rows, 8);
	assert_int_equal(lock_rows, 8);
}

/* Hand-written package.json rows: input, version to set, result. */
struct prow {
	const char *name;
	const char *in;
	const char *version;	/* NULL: read only */
	const char *want_read;	/* the version read, NULL for an error */
	const char *want_out;	/* after set; NULL: error */
	int err_line;
	const char *err_msg;
	const char *err_hint;
};

static const struct prow prows[] = {
	{ "escape in new version", "{\"version\":\"1\"}", "a\"b\\c",
	    "1", "{\"version\":\"a\\\"b\\\\c\"}", 0, NULL, NULL },
	{ "escaped old value", "{\"version\":\"1.0\\u002e0\"}", "2.0.0",
	    "1.0.0", "{\"version\":\"2.0.0\"}", 0, NULL, NULL },
	{ "same version rewrites the token", "{\"version\" : \"1.0.0\" }",
	    "1.0.0", "1.0.0", "{\"version\" : \"1.0.0\" }", 0, NULL, NULL },
	{ "empty version string", "{\"version\":\"\"}", "0.1.0", "",
	    "{\"version\":\"0.1.0\"}", 0, NULL, NULL },
	{ "non-ascii version kept raw", "{\"version\":\"1\"}", "1-\xC3\xA9",
	    "1", "{\"version\":\"1-\xC3\xA9\"}", 0, NULL, NULL },
	{ "version key last, nested before",
	    "{\"a\":{\"version\":\"0\"},\"b\":[{\"version\":\"0\"}],"
	    "\"version\":\"1\"}", "2", "1",
	    "{\"a\":{\"version\":\"0\"},\"b\":[{\"version\":\"0\"}],"
	    "\"version\":\"2\"}", 0, NULL, NULL },
	{ "version text in key and value",
	    "{\"\\\"version\\\"\":\"\\\"version\\\": \\\"0\\\"\","
	    "\"version\":\"1\"}", "2", "1",
	    "{\"\\\"version\\\"\":\"\\\"version\\\": \\\"0\\\"\","
	    "\"version\":\"2\"}", 0, NULL, NULL },
	{ "bom kept, no newline", "\xEF\xBB\xBF{\"version\":\"1\"}", "2", "1",
	    "\xEF\xBB\xBF{\"version\":\"2\"}", 0, NULL, NULL },
	{ "invalid new version utf-8", "{\"version\":\"1\"}", "\xFF", "1",
	    NULL, 0, "the new version is not valid UTF-8", NULL },
	{ "u0000 in version", "{\n\"version\":\"1\\u0000x\"}", "2", NULL,
	    NULL, 2, "top-level 'version' contains U+0000", NULL },
	{ "version object", "{\n\n\"version\":{\"a\":1}}", "2", NULL, NULL, 3,
	    "top-level 'version' is an object, not a string", NULL },
	{ "version array", "{\"version\":[\"1\"]}", "2", NULL, NULL, 1,
	    "top-level 'version' is an array", NULL },
	{ "version true", "{\"version\":true}", "2", NULL, NULL, 1,
	    "is a boolean (true), not a string", NULL },
	{ "long number", "{\"version\":1234567890123456789012345678901234567"
	    "890123}", "2", NULL, NULL, 1, "is a number, not a string",
	    NULL },
	{ "duplicate via escape", "{\"version\":\"1\",\n\"versi\\u006fn\":"
	    "\"2\"}", "3", NULL, NULL, 2,
	    "duplicate top-level 'version' (first at line 1)",
	    "keep one: JSON readers disagree on which one counts" },
	{ "nested hint", "{\n  \"name\": \"x\",\n  \"engines\": [\n"
	    "    {\"version\": \"1\"}\n  ]\n}\n", "2", NULL, NULL, 1,
	    "no top-level 'version' member",
	    "the 'version' at line 4 is inside 'engines'; add a top-level "
	    "\"version\" member" },
	{ "plain hint", "\n\n  {\"name\": \"x\"}", "2", NULL, NULL, 3,
	    "no top-level 'version' member",
	    "add a top-level \"version\" member" },
	{ "top-level string", "\"1.0.0\"", "2", NULL, NULL, 1,
	    "top-level JSON value is a string, not an object", NULL },
	{ "Version is not version", "{\"Version\":\"1\"}", "2", NULL, NULL, 1,
	    "no top-level 'version'", NULL },
	{ "invalid json", "{\n\"version\":\"1\",\n}", "2", NULL, NULL, 3,
	    "x.json:3:1: invalid JSON: trailing comma before '}'",
	    "remove the comma before it" },
	{ "lone surrogate", "{\"version\":\"1\",\"d\":\"\\ud800\"}", "2",
	    NULL, NULL, 1, "x.json:1:21: invalid JSON: lone high surrogate",
	    NULL },
};

static void
test_pkgjson_rows(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	char *v = NULL, *out = NULL;
	size_t out_len, i, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(prows) / sizeof(prows[0]); i++) {
		const struct prow *p = &prows[i];

		len = strlen(p->in);
		ovm_err_clear(&err);
		r = ovm_pkgjson_version(&v, p->in, len, "x.json", &err);
		if (p->want_read != NULL) {
			CHECK(p->name, r == 0 && strcmp(v, p->want_read) == 0,
			    "read %d '%s' (%s)", r, v ? v : "", err.msg);
		} else {
			CHECK(p->name, r == OVM_EINPUT && v == NULL &&
			    err.line == p->err_line, "read: want error at "
			    "line %d, got %d line %d (%s)", p->err_line, r,
			    err.line, err.msg);
		}
		free(v);
		v = NULL;

		ovm_err_clear(&err);
		r = ovm_pkgjson_set_version(&out, &out_len, p->in, len,
		    p->version, "x.json", &err);
		if (p->want_out != NULL) {
			CHECK(p->name, r == 0 &&
			    out_len == strlen(p->want_out) &&
			    memcmp(out, p->want_out, out_len) == 0,
			    "set %d '%s' (%s)", r, out ? out : "", err.msg);
		} else {
			CHECK(p->name, r == OVM_EINPUT && out == NULL &&
			    err.line == p->err_line,
			    "set: want error at line %d, got %d (%s)",
			    p->err_line, r, err.msg);
			CHECK(p->name, strstr(err.msg, p->err_msg) != NULL,
			    "message '%s' lacks '%s'", err.msg, p->err_msg);
			CHECK(p->name, p->err_hint == NULL ||
			    strcmp(err.hint, p->err_hint) == 0,
			    "hint '%s'", err.hint);
		}
		free(out);
		out = NULL;
	}
}

static void
test_pkgjson_api_edges(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_pkgjson_loc loc;
	char *v = NULL, *out = NULL;
	size_t out_len = 7;

	(void)state;
	/* NULL err, NULL loc and no path are all fine. */
	assert_int_equal(ovm_pkgjson_version(&v, "{", 1, "x", NULL),
	    OVM_EINPUT);
	assert_null(v);
	assert_int_equal(ovm_pkgjson_version_loc(&v, NULL, "{\"version\":"
	    "\"1\"}", 15, NULL, NULL), 0);
	assert_string_equal(v, "1");
	free(v);
	v = NULL;
	assert_int_equal(ovm_pkgjson_version(&v, "{}", 2, NULL, &err),
	    OVM_EINPUT);
	assert_string_equal(err.msg, "no top-level 'version' member");
	/* A NULL version is refused before anything is read. */
	assert_int_equal(ovm_pkgjson_set_version(&out, &out_len, "{}", 2,
	    NULL, "x", &err), OVM_EINPUT);
	assert_null(out);
	assert_int_equal(out_len, 0);
	/* Buffers need not be NUL-terminated: only len bytes are read. */
	assert_int_equal(ovm_pkgjson_version_loc(&v, &loc,
	    "{\"version\":\"1\"}GARBAGE", 15, "x", &err), 0);
	assert_string_equal(v, "1");
	assert_int_equal(loc.off, 11);
	assert_int_equal(loc.len, 3);
	assert_int_equal(loc.line, 1);
	free(v);
}

/* Hand-written lockfile rows. */
struct lrow {
	const char *name;
	const char *in;
	const char *want_out;	/* NULL: error */
	int changed;
	const char *want_root;	/* ovm_npmlock_version; NULL: none */
	int err_line;
	const char *err_msg;
};

static const struct lrow lrows[] = {
	{ "only packages root",
	    "{\"packages\":{\"\":{\"version\":\"1\"}}}",
	    "{\"packages\":{\"\":{\"version\":\"9.9.9\"}}}", 1, NULL, 0,
	    NULL },
	{ "packages before top version",
	    "{\"packages\":{\"x\":{\"version\":\"0\"},\"\":{\"version\":\"1\"}},"
	    "\"version\":\"1\"}",
	    "{\"packages\":{\"x\":{\"version\":\"0\"},\"\":{\"version\":"
	    "\"9.9.9\"}},\"version\":\"9.9.9\"}", 2, "1", 0, NULL },
	{ "workspace member untouched",
	    "{\"version\":\"1\",\"packages\":{\"\":{\"name\":\"r\"},"
	    "\"packages/a\":{\"version\":\"1\"}}}",
	    "{\"version\":\"9.9.9\",\"packages\":{\"\":{\"name\":\"r\"},"
	    "\"packages/a\":{\"version\":\"1\"}}}", 1, "1", 0, NULL },
	{ "packages not an object",
	    "{\"version\":\"1\",\"packages\":[{\"version\":\"1\"}]}",
	    "{\"version\":\"9.9.9\",\"packages\":[{\"version\":\"1\"}]}", 1,
	    "1", 0, NULL },
	{ "root entry not an object",
	    "{\"version\":\"1\",\"packages\":{\"\":\"1\"}}",
	    "{\"version\":\"9.9.9\",\"packages\":{\"\":\"1\"}}", 1, "1", 0,
	    NULL },
	{ "no root version at all",
	    "{\"dependencies\":{\"a\":{\"version\":\"1\"}}}\n",
	    "{\"dependencies\":{\"a\":{\"version\":\"1\"}}}\n", 0, NULL, 0,
	    NULL },
	{ "duplicate packages root version",
	    "{\"packages\":{\"\":{\"version\":\"1\",\n\"version\":\"2\"}}}",
	    NULL, 0, NULL, 2,
	    "duplicate 'packages[\"\"].version' (first at line 1)" },
	{ "duplicate packages",
	    "{\"packages\":{},\n\"packages\":{\"\":{\"version\":\"1\"}}}",
	    NULL, 0, NULL, 2, "duplicate 'packages' (first at line 1)" },
	{ "packages root version number",
	    "{\"packages\":{\"\":{\n\"version\":1}}}", NULL, 0, NULL, 2,
	    "'packages[\"\"].version' is a number (1), not a string" },
	{ "top version null", "{\"version\":null}", NULL, 0, NULL, 1,
	    "top-level 'version' is null (null), not a string" },
	{ "top level array", "[{\"version\":\"1\"}]", NULL, 0, NULL, 1,
	    "top-level JSON value is an array, not an object" },
	{ "invalid json", "{\n  \"version\": \"1\"\n  \"packages\": {}\n}",
	    NULL, 0, NULL, 3,
	    "lock.json:3:3: invalid JSON: expected ',' or '}', found '\"'" },
	{ "empty", "", NULL, 0, NULL, 1, "lock.json:1:1: invalid JSON: empty "
	    "input" },
};

static void
test_lock_rows(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	char *out = NULL, *v = NULL;
	size_t out_len, i, len;
	int r, changed;

	(void)state;
	for (i = 0; i < sizeof(lrows) / sizeof(lrows[0]); i++) {
		const struct lrow *l = &lrows[i];

		len = strlen(l->in);
		ovm_err_clear(&err);
		changed = -1;
		r = ovm_npmlock_set_version(&out, &out_len, &changed, l->in,
		    len, "9.9.9", "lock.json", &err);
		if (l->want_out != NULL) {
			CHECK(l->name, r == 0 && changed == l->changed &&
			    out_len == strlen(l->want_out) &&
			    memcmp(out, l->want_out, out_len) == 0,
			    "set %d changed %d '%s' (%s)", r, changed,
			    out ? out : "", err.msg);
			r = ovm_npmlock_version(&v, l->in, len, "lock.json",
			    &err);
			CHECK(l->name, r == 0 && (l->want_root == NULL ?
			    v == NULL : v != NULL &&
			    strcmp(v, l->want_root) == 0), "root '%s'",
			    v ? v : "(null)");
		} else {
			CHECK(l->name, r == OVM_EINPUT && out == NULL &&
			    changed == 0 && err.line == l->err_line,
			    "want error at line %d, got %d line %d (%s)",
			    l->err_line, r, err.line, err.msg);
			CHECK(l->name, strstr(err.msg, l->err_msg) != NULL,
			    "message '%s' lacks '%s'", err.msg, l->err_msg);
		}
		free(out);
		out = NULL;
		free(v);
		v = NULL;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_cases),
		cmocka_unit_test(test_corpus_lockfiles),
		cmocka_unit_test(test_pkgjson_rows),
		cmocka_unit_test(test_pkgjson_api_edges),
		cmocka_unit_test(test_lock_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
