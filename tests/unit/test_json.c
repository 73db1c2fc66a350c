/*
 * json.c: strict validation with line/column, the token view, JSON
 * pointers, string decode/encode.  Table-driven; every row can fail.
 */
#include "testutil.h"

#include "core/json.h"

#define CHECK(row, cond, ...) do { \
	if (!(cond)) { \
		print_error("row '%s': ", (row)); \
		fail_msg(__VA_ARGS__); \
	} \
} while (0)

struct vrow {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int line;		/* 0: valid */
	int col;
	const char *msg;	/* substring of the message */
};

static const struct vrow vrows[] = {
	/* valid */
	{ "empty object", "{}", 0, 0, 0, NULL },
	{ "empty array", "[]", 0, 0, 0, NULL },
	{ "scalar string", "\"x\"", 0, 0, 0, NULL },
	{ "scalar zero", "0", 0, 0, 0, NULL },
	{ "minus zero", "-0", 0, 0, 0, NULL },
	{ "exponent", "[1.5e+10, -2E-3, 0.0, 10e5]", 0, 0, 0, NULL },
	{ "literals", "[true,false,null]", 0, 0, 0, NULL },
	{ "whitespace all kinds", " \t\r\n{\"a\" : [1 , 2,{\"b\":null}]} \n",
	    0, 0, 0, NULL },
	{ "one bom", "\xEF\xBB\xBF{}", 0, 0, 0, NULL },
	{ "escapes", "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"", 0, 0, 0,
	    NULL },
	{ "surrogate pair", "\"\\ud83d\\ude80\"", 0, 0, 0, NULL },
	{ "u0000 escape", "{\"\\u0000\":\"\\u0000\"}", 0, 0, 0, NULL },
	{ "raw utf-8", "\"caf\xC3\xA9 \xF0\x9F\x9A\x80 \xEF\xBB\xBF\"", 0, 0,
	    0, NULL },
	{ "del raw", "\"\x7F\"", 0, 0, 0, NULL },
	{ "duplicate keys are json", "{\"a\":1,\"a\":2}", 0, 0, 0, NULL },
	{ "63-char number",
	    "123456789012345678901234567890123456789012345678901234567890123",
	    0, 0, 0, NULL },

	/* invalid: empty, BOMs */
	{ "empty", "", 0, 1, 1, "empty input" },
	{ "bom only", "\xEF\xBB\xBF", 0, 1, 1, "empty input" },
	{ "whitespace only", "  \n  ", 0, 2, 3, "only whitespace" },
	{ "two boms", "\xEF\xBB\xBF\xEF\xBB\xBF{}", 0, 1, 1,
	    "byte-order mark (U+FEFF)" },
	{ "bom later", "{\n\xEF\xBB\xBF}", 0, 2, 1, "byte-order mark" },
	{ "bom after value", "{}\xEF\xBB\xBF", 0, 1, 3, "byte-order mark" },

	/* invalid: structure */
	{ "trailing comma object", "{\"a\":1,}", 0, 1, 8,
	    "trailing comma before '}'" },
	{ "trailing comma array", "[1,2,]", 0, 1, 6,
	    "trailing comma before ']'" },
	{ "double comma", "{\"a\":1,,\"b\":2}", 0, 1, 8,
	    "expected a member name in double quotes, found ','" },
	{ "leading comma array", "[,1]", 0, 1, 2,
	    "expected a value, found ','" },
	{ "missing comma", "{\"a\":1 \"b\":2}", 0, 1, 8,
	    "expected ',' or '}', found '\"'" },
	{ "missing comma array", "[1 2]", 0, 1, 4,
	    "expected ',' or ']', found '2'" },
	{ "missing colon", "{\"a\" 1}", 0, 1, 6, "expected ':' after" },
	{ "missing value", "{\"a\":}", 0, 1, 6,
	    "expected a value, found '}'" },
	{ "unclosed array", "[", 0, 1, 2, "found end of input" },
	{ "unclosed object", "{\"a\":1", 0, 1, 7,
	    "expected ',' or '}', found end of input" },
	{ "mismatched bracket", "[1}", 0, 1, 3,
	    "expected ',' or ']', found '}'" },
	{ "two values", "{} {}", 0, 1, 4, "expected end of input" },
	{ "garbage after", "{}x", 0, 1, 3, "found 'x'" },
	{ "line comment", "// c\n{}", 0, 1, 1, "comments are not allowed" },
	{ "block comment", "{/* c */}", 0, 1, 2,
	    "comments are not allowed" },
	{ "comment after value", "{\n  \"a\": 1 // c\n}", 0, 2, 10,
	    "comments are not allowed" },
	{ "single quotes", "{'a':1}", 0, 1, 2, "single quote" },
	{ "bare key", "{a:1}", 0, 1, 2, "found 'a'" },
	{ "nan", "{\"a\":NaN}", 0, 1, 6, "found 'NaN'" },
	{ "infinity", "[Infinity]", 0, 1, 2, "found 'Infinity'" },
	{ "minus infinity", "[-Infinity]", 0, 1, 3,
	    "digit after '-', found 'Infinity'" },
	{ "True", "[True]", 0, 1, 2, "found 'True'" },
	{ "tru", "[tru]", 0, 1, 2, "found 'tru'" },
	{ "nulls", "[nulls]", 0, 1, 6, "found 's'" },
	{ "undefined", "[undefined]", 0, 1, 2, "found 'undefined'" },

	/* invalid: numbers */
	{ "leading zero", "[01]", 0, 1, 2, "leading zeros" },
	{ "minus leading zero", "[-01]", 0, 1, 2, "leading zeros" },
	{ "dot no digit", "[1.]", 0, 1, 4, "digit after '.'" },
	{ "leading dot", "[.5]", 0, 1, 2, "expected a value, found '.'" },
	{ "exponent no digit", "[1e]", 0, 1, 4, "exponent" },
	{ "exponent sign only", "[1e+]", 0, 1, 5, "exponent" },
	{ "plus sign", "[+1]", 0, 1, 2, "found '+'" },
	{ "hex", "[0x10]", 0, 1, 3, "found 'x10'" },
	{ "lone minus", "-", 0, 1, 2, "found end of input" },
	{ "64-char number",
	    "[1234567890123456789012345678901234567890123456789012345678901234]",
	    0, 1, 2, "number longer than 63" },

	/* invalid: strings */
	{ "unterminated", "\"abc", 0, 1, 1, "unterminated string" },
	{ "unterminated escape", "\"abc\\", 0, 1, 1, "unterminated string" },
	{ "raw newline", "{\"a\":\"x\ny\"}", 0, 1, 8, "line break inside" },
	{ "raw cr", "\"x\ry\"", 0, 1, 3, "line break inside" },
	{ "raw tab", "\"a\tb\"", 0, 1, 3, "control character U+0009" },
	{ "raw 0x01", "\"a\x01\"", 0, 1, 3, "control character U+0001" },
	{ "raw nul", "\"a\0\"", 4, 1, 3, "control character U+0000" },
	{ "bad escape x", "\"\\x41\"", 0, 1, 2,
	    "invalid escape: '\\' followed by 'x41'" },
	{ "bad escape U", "\"\\U0041\"", 0, 1, 2, "invalid escape" },
	{ "bad escape quote", "\"\\'\"", 0, 1, 2, "invalid escape" },
	{ "short u", "\"\\u12\"", 0, 1, 2, "four hex digits" },
	{ "non-hex u", "\"\\uZZZZ\"", 0, 1, 2, "four hex digits" },
	{ "u at end", "\"\\u00", 0, 1, 2, "four hex digits" },
	{ "lone high", "[\"ab\\ud800\"]", 0, 1, 5,
	    "lone high surrogate \\uD800" },
	{ "high then bmp", "\"\\ud800\\u0041\"", 0, 1, 2,
	    "lone high surrogate" },
	{ "high then high", "\"\\ud800\\ud800\"", 0, 1, 2,
	    "lone high surrogate" },
	{ "high at end", "\"\\udbff", 0, 1, 2, "lone high surrogate" },
	{ "lone low", "\"\\udc00\"", 0, 1, 2, "lone low surrogate \\uDC00" },
	{ "reversed pair", "\"\\ude80\\ud83d\"", 0, 1, 2, "lone low" },

	/* invalid: UTF-8 */
	{ "byte ff", "\"\xFF\"", 0, 1, 2, "byte 0xFF is not UTF-8" },
	{ "overlong slash", "\"\xC0\xAF\"", 0, 1, 2, "0xC0" },
	{ "overlong 3", "\"\xE0\x80\xAF\"", 0, 1, 2, "0xE0" },
	{ "utf-8 surrogate", "\"\xED\xA0\x80\"", 0, 1, 2, "0xED" },
	{ "past 10ffff", "\"\xF4\x90\x80\x80\"", 0, 1, 2, "0xF4" },
	{ "truncated", "\"\xE2\x82\"", 0, 1, 2, "0xE2" },
	{ "stray continuation", "\"\x80\"", 0, 1, 2, "0x80" },
	{ "latin-1 outside", "{\xE9}", 0, 1, 2, "byte 0xE9 (not UTF-8)" },
	{ "nbsp as space", "[1,\xC2\xA0" "2]", 0, 1, 4, "found U+00A0" },
	{ "form feed as space", "[1,\f2]", 0, 1, 4, "found U+000C" },
	{ "nul outside", "[1,\0]", 5, 1, 4, "found U+0000" },

	/* positions */
	{ "column in code points", "{\"\xC3\xA9\xF0\x9F\x9A\x80\":1,}", 0, 1,
	    9, "trailing comma" },
	{ "column after bom", "\xEF\xBB\xBF{,}", 0, 1, 2, "found ','" },
	{ "crlf lines", "{\r\n  \"a\": 1,\r\n}", 0, 3, 1, "trailing comma" },
	{ "tab counts one", "{\n\t\t\"a\" 1}", 0, 2, 7, "expected ':'" },
};

static void
test_validate(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	char want[128];
	size_t i, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(vrows) / sizeof(vrows[0]); i++) {
		const struct vrow *v = &vrows[i];

		len = v->len ? v->len : strlen(v->in);
		ovm_err_clear(&err);
		r = ovm_json_validate(v->in, len, "t.json", &err);
		if (v->line == 0) {
			CHECK(v->name, r == 0, "want valid, got %d: %s", r,
			    err.msg);
			continue;
		}
		CHECK(v->name, r == OVM_EINPUT, "want OVM_EINPUT, got %d", r);
		CHECK(v->name, err.code == OVM_EINPUT, "err.code %d", err.code);
		CHECK(v->name, err.line == v->line && err.column == v->col,
		    "want %d:%d, got %d:%d (%s)", v->line, v->col, err.line,
		    err.column, err.msg);
		snprintf(want, sizeof(want), "t.json:%d:%d: invalid JSON: ",
		    v->line, v->col);
		CHECK(v->name, strncmp(err.msg, want, strlen(want)) == 0,
		    "message '%s' does not start with '%s'", err.msg, want);
		CHECK(v->name, strstr(err.msg, v->msg) != NULL,
		    "message '%s' lacks '%s'", err.msg, v->msg);
		CHECK(v->name, strcmp(err.file, "t.json") == 0, "err.file %s",
		    err.file);
	}
}

/* ovm_json_parse agrees with ovm_json_validate and gives a cJSON tree. */
static void
test_parse(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	cJSON *root = NULL;
	const cJSON *v;
	size_t i, len;
	int r;

	(void)state;
	for (i = 0; i < sizeof(vrows) / sizeof(vrows[0]); i++) {
		const struct vrow *row = &vrows[i];

		len = row->len ? row->len : strlen(row->in);
		ovm_err_clear(&err);
		r = ovm_json_parse(&root, row->in, len, "p.json", &err);
		if (row->line == 0) {
			CHECK(row->name, r == 0 && root != NULL,
			    "parse failed: %d %s", r, err.msg);
		} else {
			CHECK(row->name, r == OVM_EINPUT && root == NULL &&
			    err.line == row->line && err.column == row->col,
			    "want error at %d:%d, got %d (%s)", row->line,
			    row->col, r, err.msg);
		}
		cJSON_Delete(root);
		root = NULL;
	}

	r = ovm_json_parse(&root, "\xEF\xBB\xBF{\"a\":[1,\"\\u00e9\"],"
	    "\"b\":true}", 30, "p.json", &err);
	assert_int_equal(r, 0);
	v = cJSON_GetObjectItemCaseSensitive(root, "a");
	assert_true(cJSON_IsArray(v));
	assert_int_equal(cJSON_GetArrayItem(v, 0)->valueint, 1);
	assert_string_equal(cJSON_GetArrayItem(v, 1)->valuestring,
	    "\xC3\xA9");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "b")));
	cJSON_Delete(root);
	root = NULL;

	/* No path: the message still carries line and column. */
	r = ovm_json_parse(&root, "[1,]", 4, NULL, &err);
	assert_int_equal(r, OVM_EINPUT);
	assert_null(root);
	assert_string_equal(err.msg, "line 1, column 4: invalid JSON: "
	    "trailing comma before ']'");
	assert_string_equal(err.hint, "remove the comma before it");
	/* A NULL err is allowed. */
	assert_int_equal(ovm_json_parse(&root, "[", 1, "x", NULL),
	    OVM_EINPUT);
}

static char *
nested(size_t depth, size_t *len_out)
{
	char *s = malloc(2 * depth + 1);

	assert_non_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[2 * depth] = '\0';
	*len_out = 2 * depth;
	return s;
}

static void
test_depth(void **state)
{
	struct ovm_err err = OVM_ERR_INIT;
	cJSON *root = NULL;
	char *s;
	size_t len;

	(void)state;
	s = nested(OVM_JSON_MAX_DEPTH, &len);
	assert_int_equal(ovm_json_parse(&root, s, len, "d.json", &err), 0);
	assert_non_null(root);
	cJSON_Delete(root);
	root = NULL;
	free(s);

	s = nested(OVM_JSON_MAX_DEPTH + 1, &len);
	assert_int_equal(ovm_json_validate(s, len, "d.json", &err),
	    OVM_EINPUT);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, OVM_JSON_MAX_DEPTH + 1);
	assert_non_null(strstr(err.msg, "nested deeper than 512 levels"));
	free(s);

	/* Far past any recursion limit: refused, no stack overflow. */
	s = nested(200000, &len);
	assert_int_equal(ovm_json_validate(s, len, "d.json", &err),
	    OVM_EINPUT);
	assert_int_equal(err.column, OVM_JSON_MAX_DEPTH + 1);
	assert_int_equal(ovm_json_line_of(s, len, "/0"), 0);
	free(s);

	/* Objects count too. */
	s = malloc(6 * 600 + 1);
	assert_non_null(s);
	len = 0;
	for (size_t i = 0; i < 600; i++) {
		memcpy(s + len, "{\"a\":", 5);
		len += 5;
	}
	s[len++] = '1';
	memset(s + len, '}', 600);
	len += 600;
	assert_int_equal(ovm_json_validate(s, len, "d.json", &err),
	    OVM_EINPUT);
	assert_int_equal(err.column, 5 * OVM_JSON_MAX_DEPTH + 1);
	free(s);
}

static const char line_doc[] =
	"{\n"							/* 1 */
	"  \"tracks\": [\n"					/* 2 */
	"    {\"name\": \"a\",\n"				/* 3 */
	"     \"paths\": [\"x\", \"y\"]},\n"			/* 4 */
	"    {\n"						/* 5 */
	"      \"name\": \"b\",\n"				/* 6 */
	"      \"paths\": [\n"					/* 7 */
	"        \"p0\",\n"					/* 8 */
	"        \"p1\"\n"					/* 9 */
	"      ]\n"						/* 10 */
	"    }\n"						/* 11 */
	"  ],\n"						/* 12 */
	"  \"a/b\": 1,\n"					/* 13 */
	"  \"m~n\": 2,\n"					/* 14 */
	"  \"\": {\"\": 3},\n"					/* 15 */
	"  \"dup\": 1,\n"					/* 16 */
	"  \"dup\": 2,\n"					/* 17 */
	"  \"versi\\u006fn\":\n"				/* 18 */
	"     \"1\",\n"						/* 19 */
	"  \"caf\xC3\xA9\": {\"k\\/\": [[], {}]}\n"		/* 20 */
	"}\n";

struct lrow {
	const char *pointer;
	int line;
	int count;
};

static const struct lrow lrows[] = {
	{ "", 1, 1 },
	{ "/tracks", 2, 1 },
	{ "/tracks/0", 3, 1 },
	{ "/tracks/0/name", 3, 1 },
	{ "/tracks/0/paths/1", 4, 1 },
	{ "/tracks/1", 5, 1 },
	{ "/tracks/1/name", 6, 1 },
	{ "/tracks/1/paths", 7, 1 },
	{ "/tracks/1/paths/0", 8, 1 },
	{ "/tracks/1/paths/1", 9, 1 },
	{ "/a~1b", 13, 1 },
	{ "/m~0n", 14, 1 },
	{ "/", 15, 1 },
	{ "//", 15, 1 },
	{ "/dup", 16, 2 },
	{ "/version", 19, 1 },
	{ "/caf\xC3\xA9/k~1/0", 20, 1 },
	{ "/caf\xC3\xA9/k~1/1", 20, 1 },
	/* not there */
	{ "/tracks/2", 0, 0 },
	{ "/tracks/01", 0, 0 },
	{ "/tracks/-", 0, 0 },
	{ "/tracks/x", 0, 0 },
	{ "/tracks/1/paths/2", 0, 0 },
	{ "/tracks/0/name/x", 0, 0 },
	{ "/nope", 0, 0 },
	{ "/Tracks", 0, 0 },
	{ "/a/b", 0, 0 },
	{ "/m~2n", 0, 0 },
	{ "/m~", 0, 0 },
	{ "tracks", 0, 0 },
	{ "/versi\\u006fn", 0, 0 },
	{ "///", 0, 0 },
};

static void
test_line_of(void **state)
{
	struct ovm_json_tok tok;
	size_t i, len = strlen(line_doc);
	int count, r;

	(void)state;
	assert_int_equal(ovm_json_validate(line_doc, len, "l.json", NULL), 0);
	for (i = 0; i < sizeof(lrows) / sizeof(lrows[0]); i++) {
		const struct lrow *l = &lrows[i];

		CHECK(l->pointer, ovm_json_line_of(line_doc, len, l->pointer) ==
		    l->line, "want line %d, got %d", l->line,
		    ovm_json_line_of(line_doc, len, l->pointer));
		r = ovm_json_locate(&tok, &count, line_doc, len, l->pointer);
		CHECK(l->pointer, l->line ? r == 0 : r == OVM_ENOTFOUND,
		    "locate returned %d", r);
		CHECK(l->pointer, count == l->count, "want count %d, got %d",
		    l->count, count);
	}
	/* The first duplicate wins, as with cJSON_GetObjectItem. */
	assert_int_equal(ovm_json_locate(&tok, &count, line_doc, len, "/dup"),
	    0);
	assert_memory_equal(line_doc + tok.off, "1", 1);
	assert_int_equal(tok.type, OVM_JSON_NUMBER);

	/* Invalid JSON: nothing is found, whatever the pointer. */
	assert_int_equal(ovm_json_line_of("{\"a\":1,}", 8, "/a"), 0);
	assert_int_equal(ovm_json_line_of("{\"a\":1,}", 8, ""), 0);
	assert_int_equal(ovm_json_locate(&tok, &count, "{\"a\":1,}", 8,
	    "/a"), OVM_EINPUT);
	assert_int_equal(ovm_json_line_of(NULL, 0, ""), 0);
	/* A BOM does not move lines. */
	assert_int_equal(ovm_json_line_of("\xEF\xBB\xBF{\n\"a\":1}", 11,
	    "/a"), 2);
}

static void
test_iter(void **state)
{
	static const char doc[] =
	    "{\"a\":1, \"b\" : [true,false] ,\"c\":{\"d\":null},\"e\":\"s\"}";
	static const struct {
		const char *key;
		const char *value;
		enum ovm_json_type type;
	} want[] = {
		{ "\"a\"", "1", OVM_JSON_NUMBER },
		{ "\"b\"", "[true,false]", OVM_JSON_ARRAY },
		{ "\"c\"", "{\"d\":null}", OVM_JSON_OBJECT },
		{ "\"e\"", "\"s\"", OVM_JSON_STRING },
	};
	struct ovm_json_tok root, t, arr;
	struct ovm_json_iter it, it2;
	size_t len = strlen(doc), i;
	int r;

	(void)state;
	assert_int_equal(ovm_json_root(&root, doc, len), 0);
	assert_int_equal(root.type, OVM_JSON_OBJECT);
	assert_int_equal(root.off, 0);
	assert_int_equal(root.len, len);
	assert_int_equal(ovm_json_iter_init(&it, doc, len, &root), 0);
	for (i = 0; i < 4; i++) {
		r = ovm_json_iter_next(&t, &it);
		assert_int_equal(r, 1);
		assert_int_equal(t.key_len, strlen(want[i].key));
		assert_memory_equal(doc + t.key_off, want[i].key, t.key_len);
		assert_int_equal(t.len, strlen(want[i].value));
		assert_memory_equal(doc + t.off, want[i].value, t.len);
		assert_int_equal(t.type, want[i].type);
		if (i == 1)
			arr = t;
	}
	assert_int_equal(ovm_json_iter_next(&t, &it), 0);
	assert_int_equal(ovm_json_iter_next(&t, &it), 0);

	assert_int_equal(ovm_json_iter_init(&it2, doc, len, &arr), 0);
	assert_int_equal(ovm_json_iter_next(&t, &it2), 1);
	assert_int_equal(t.type, OVM_JSON_TRUE);
	assert_int_equal(t.key_len, 0);
	assert_int_equal(ovm_json_iter_next(&t, &it2), 1);
	assert_int_equal(t.type, OVM_JSON_FALSE);
	assert_int_equal(ovm_json_iter_next(&t, &it2), 0);

	/* A scalar is not a container. */
	assert_int_equal(ovm_json_iter_init(&it2, doc, len, &t),
	    OVM_EINPUT);
	/* Bytes that are not JSON stop the iteration with an error. */
	root.off = 0;
	root.type = OVM_JSON_ARRAY;
	assert_int_equal(ovm_json_iter_init(&it2, "[1,]", 4, &root), 0);
	assert_int_equal(ovm_json_iter_next(&t, &it2), 1);
	assert_int_equal(ovm_json_iter_next(&t, &it2), OVM_EINPUT);
	assert_int_equal(ovm_json_root(&root, "[1,]", 4), OVM_EINPUT);
	assert_int_equal(ovm_json_root(&root, " \"x\" ", 5), 0);
	assert_int_equal(root.off, 1);
	assert_int_equal(root.len, 3);
}

struct krow {
	const char *tok;	/* a member name token */
	const char *name;
	size_t name_len;
	int equal;
};

static const struct krow krows[] = {
	{ "\"version\"", "version", 7, 1 },
	{ "\"versi\\u006fn\"", "version", 7, 1 },
	{ "\"\\u0076\\u0065rsion\"", "version", 7, 1 },
	{ "\"Version\"", "version", 7, 0 },
	{ "\"versions\"", "version", 7, 0 },
	{ "\"versio\"", "version", 7, 0 },
	{ "\"\"", "", 0, 1 },
	{ "\"\"", "x", 1, 0 },
	{ "\"a\\u0000b\"", "a\0b", 3, 1 },
	{ "\"a\\/b\"", "a/b", 3, 1 },
	{ "\"\\ud83d\\ude80\"", "\xF0\x9F\x9A\x80", 4, 1 },
	{ "\"\\u00e9\"", "\xC3\xA9", 2, 1 },
	{ "\"\xC3\xA9\"", "\xC3\xA9", 2, 1 },
};

static void
test_key_equals(void **state)
{
	struct ovm_json_tok t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(krows) / sizeof(krows[0]); i++) {
		memset(&t, 0, sizeof(t));
		t.key_off = 0;
		t.key_len = strlen(krows[i].tok);
		CHECK(krows[i].tok, ovm_json_key_equals(krows[i].tok, &t,
		    krows[i].name, krows[i].name_len) == krows[i].equal,
		    "want %d", krows[i].equal);
	}
	/* An array element has no name. */
	memset(&t, 0, sizeof(t));
	assert_false(ovm_json_key_equals("\"\"", &t, "", 0));
}

struct drow {
	const char *tok;
	const char *want;	/* NULL: OVM_EINPUT */
	size_t want_len;
};

static const struct drow drows[] = {
	{ "\"1.0.0\"", "1.0.0", 5 },
	{ "\"\"", "", 0 },
	{ "\"caf\\u00e9 \\ud83d\\ude80\"", "caf\xC3\xA9 \xF0\x9F\x9A\x80", 10 },
	{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8 },
	{ "\"a\\u0000b\"", "a\0b", 3 },
	{ "\"\\uFFFF\"", "\xEF\xBF\xBF", 3 },
	{ "\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF", 4 },
	{ "\"raw \xE2\x82\xAC\"", "raw \xE2\x82\xAC", 7 },
	{ "\"x", NULL, 0 },
	{ "x\"", NULL, 0 },
	{ "\"a\"b\"", NULL, 0 },
	{ "\"\\x\"", NULL, 0 },
	{ "\"\\ud800\"", NULL, 0 },
	{ "\"\xFF\"", NULL, 0 },
	{ "\"", NULL, 0 },
};

static void
test_string_decode(void **state)
{
	char *out = NULL;
	size_t i, n;
	int r;

	(void)state;
	for (i = 0; i < sizeof(drows) / sizeof(drows[0]); i++) {
		const struct drow *d = &drows[i];

		n = 12345;
		r = ovm_json_string_decode(&out, &n, d->tok, 0, strlen(d->tok));
		if (d->want == NULL) {
			CHECK(d->tok, r == OVM_EINPUT && out == NULL,
			    "want OVM_EINPUT, got %d", r);
			continue;
		}
		CHECK(d->tok, r == 0, "decode failed: %d", r);
		CHECK(d->tok, n == d->want_len &&
		    memcmp(out, d->want, n) == 0 && out[n] == '\0',
		    "decoded %zu bytes '%s'", n, out);
		free(out);
		out = NULL;
	}
	/* A token inside a larger buffer, by offset. */
	assert_int_equal(ovm_json_string_decode(&out, NULL, "{\"v\":\"9\"}", 5,
	    3), 0);
	assert_string_equal(out, "9");
	free(out);
}

struct erow {
	const char *in;
	size_t in_len;
	const char *want;
};

static const struct erow erows[] = {
	{ "9.9.9", 5, "\"9.9.9\"" },
	{ "", 0, "\"\"" },
	{ "a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"" },
	{ "\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"" },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	{ "caf\xC3\xA9", 5, "\"caf\xC3\xA9\"" },
};

static void
test_string_encode(void **state)
{
	char buf[64], *back = NULL;
	size_t i, n, blen;

	(void)state;
	for (i = 0; i < sizeof(erows) / sizeof(erows[0]); i++) {
		const struct erow *e = &erows[i];

		n = ovm_json_string_encode(NULL, 0, e->in, e->in_len);
		CHECK(e->want, n == strlen(e->want), "sized %zu", n);
		memset(buf, 'Z', sizeof(buf));
		n = ovm_json_string_encode(buf, sizeof(buf), e->in, e->in_len);
		CHECK(e->want, n == strlen(e->want) &&
		    memcmp(buf, e->want, n) == 0 && buf[n] == 'Z',
		    "encoded '%.*s'", (int)n, buf);
		/* Round trip. */
		CHECK(e->want, ovm_json_string_decode(&back, &blen, buf, 0,
		    n) == 0 && blen == e->in_len &&
		    memcmp(back, e->in, blen) == 0, "round trip failed");
		free(back);
		back = NULL;
	}
	/* A short buffer gets a prefix, the return value the full size. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(ovm_json_string_encode(buf, 3, "abcdef", 6), 8);
	assert_memory_equal(buf, "\"abZ", 4);
}

static void
test_utf8_and_names(void **state)
{
	(void)state;
	assert_true(ovm_json_utf8_valid("", 0));
	assert_true(ovm_json_utf8_valid("caf\xC3\xA9 \xF0\x9F\x9A\x80", 10));
	assert_false(ovm_json_utf8_valid("\xC3", 1));
	assert_false(ovm_json_utf8_valid("\xED\xB0\x80", 3));
	assert_false(ovm_json_utf8_valid("\xF8\x88\x80\x80\x80", 5));
	assert_string_equal(ovm_json_type_name(OVM_JSON_NUMBER), "a number");
	assert_string_equal(ovm_json_type_name(OVM_JSON_NULL), "null");
	assert_string_equal(ovm_json_type_name(OVM_JSON_ARRAY), "an array");
	assert_string_equal(ovm_json_type_name(OVM_JSON_TRUE), "a boolean");
}

/*
 * Mutations of small documents: whatever the validator accepts, cJSON
 * parses; whatever it refuses gets a position inside the input; the token
 * view never reads outside the buffer (ASan watches).
 */
static void
test_mutations(void **state)
{
	static const char *const seeds[] = {
		"{\"a\":[1,-2.5e3,\"x\\u00e9\\n\"],\"b\":{\"c\":null}}",
		"[true,false,null,\"\\ud83d\\ude80\",{}]",
		"\xEF\xBB\xBF{\"version\":\"1.0.0\",\"v\":[0]}",
	};
	static const char alphabet[] = "{}[],:\"\\ \n01-.eEtrufalsn/u\xEF\xBB"
	    "\xBF\xC3\xA9\x80\xFF";
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_json_tok tok;
	unsigned long seed = 12345;
	char buf[128];
	size_t len, i, k;
	cJSON *root = NULL;
	int r, accepted = 0, refused = 0;

	(void)state;
	for (i = 0; i < 30000; i++) {
		const char *s = seeds[i % 3];

		len = strlen(s);
		memcpy(buf, s, len);
		for (k = 0; k < 1 + i % 3; k++) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % (len + 1);
			char c = alphabet[(seed >> 20) %
			    (sizeof(alphabet) - 1)];

			switch ((seed >> 4) % 3) {
			case 0:	/* replace */
				if (at < len)
					buf[at] = c;
				break;
			case 1:	/* insert */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at,
					    len - at);
					buf[at] = c;
					len++;
				}
				break;
			default: /* delete */
				if (at < len) {
					memmove(buf + at, buf + at + 1,
					    len - at - 1);
					len--;
				}
			}
		}
		r = ovm_json_parse(&root, buf, len, "m.json", &err);
		if (r == 0) {
			accepted++;
			assert_non_null(root);
			assert_int_equal(ovm_json_root(&tok, buf, len), 0);
			cJSON_Delete(root);
			root = NULL;
		} else {
			refused++;
			assert_int_equal(r, OVM_EINPUT);
			assert_true(err.line >= 1 && err.column >= 1);
			assert_int_equal(ovm_json_line_of(buf, len, "/a"), 0);
		}
	}
	assert_true(accepted > 100);
	assert_true(refused > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_line_of),
		cmocka_unit_test(test_iter),
		cmocka_unit_test(test_key_equals),
		cmocka_unit_test(test_string_decode),
		cmocka_unit_test(test_string_encode),
		cmocka_unit_test(test_utf8_and_names),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
