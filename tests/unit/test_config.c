#include "testutil.h"

#include "core/config.h"

static void
test_default(void **state)
{
	struct ovm_config c;
	struct ovm_err err = OVM_ERR_INIT;
	const struct ovm_track *sb, *ex;

	(void)state;
	assert_int_equal(ovm_config_load(&c, NULL, 0, NULL, &err), 0);
	assert_int_equal(c.n_tracks, 2);
	assert_null(c.source);
	assert_string_equal(c.remote, "origin");
	assert_string_equal(c.hook_mode, "notify");
	assert_null(c.identity_name);
	assert_true(ovm_config_is_release_branch(&c, "main"));
	assert_false(ovm_config_is_release_branch(&c, "dev"));
	sb = ovm_config_track(&c, "server-base");
	ex = ovm_config_track(&c, "executor-layer");
	assert_ptr_equal(sb, &c.tracks[0]);
	assert_ptr_equal(ex, &c.tracks[1]);
	assert_string_equal(sb->from_dockerfile, "dockerfiles/server-base.dockerfile");
	assert_int_equal(sb->from_tags.n, 0);
	assert_null(sb->skip_token);
	assert_null(sb->commit);
	assert_int_equal(ex->from_tags.n, 2);
	assert_int_equal(ex->n_version_files, 2);
	assert_int_equal(ex->version_files[1].format, OVM_VF_NPM_LOCK);
	assert_true(ex->version_files[1].optional);
	assert_false(ex->version_files[0].optional);
	assert_string_equal(ex->skip_token, "[skip executor-layer-tag]");
	assert_string_equal(ex->initial, "0.1.0");
	ovm_config_free(&c);
}

struct row {
	const char *json;
	int code;
	const char *needle;	/* in the message */
	int line;		/* expected err.line, -1: don't care */
};

#define T1 "{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]"

static const struct row rows[] = {
	{ "{}", 0, NULL, -1 },
	{ "{\"remote\": \"upstream\"}", 0, NULL, -1 },
	{ "{\"tracks\": [" T1 "}]}", 0, NULL, -1 },
	{ "{\"tracks\": [" T1 ", \"commit\": \"bump {version}\", \"version_files\": [{\"path\": \"a/package.json\", \"format\": \"npm-package\"}]}]}", 0, NULL, -1 },
	{ "{\"identity\": {\"name\": \"Bot\", \"email\": \"b@x\"}}", 0, NULL, -1 },
	{ "[]", OVM_ECONFIG, "must be a JSON object", -1 },
	{ "{\"colour\": 1}", OVM_ECONFIG, "'colour': unknown key", 1 },
	{ "{\n\"branches\": \"main\"}", OVM_ECONFIG, "'branches': must be an array", 2 },
	{ "{\"branches\": []}", OVM_ECONFIG, "'branches': must not be empty", -1 },
	{ "{\"branches\": [\"a..b\"]}", OVM_ECONFIG, "'branches[0]': 'a..b' is not a valid branch name", -1 },
	{ "{\"branches\": [1]}", OVM_ECONFIG, "'branches[0]'", -1 },
	{ "{\"remote\": 3}", OVM_ECONFIG, "'remote': must be a string", -1 },
	{ "{\"remote\": \"\"}", OVM_ECONFIG, "'remote': must not be empty", -1 },
	{ "{\"identity\": {\"name\": \"x\"}}", OVM_ECONFIG, "needs both", -1 },
	{ "{\"identity\": {\"name\": \"x\", \"email\": \"e\", \"key\": 1}}", OVM_ECONFIG, "'identity.key': unknown key", -1 },
	{ "{\"hook\": {\"mode\": \"loud\"}}", OVM_ECONFIG, "'hook.mode'", -1 },
	{ "{\"hook\": {\"when\": 1}}", OVM_ECONFIG, "'hook.when': unknown key", -1 },
	{ "{\"tracks\": []}", OVM_ECONFIG, "'tracks': must be a non-empty array", -1 },
	{ "{\"tracks\": [1]}", OVM_ECONFIG, "'tracks[0]': must be an object", -1 },
	{ "{\"tracks\": [{\"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "'name' is required", -1 },
	{ "{\"tracks\": [" T1 ", \"nme\": 1}]}", OVM_ECONFIG, "'tracks[0].nme': unknown key", -1 },
	{ "{\"tracks\": [{\"name\": \"Bad\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "does not match ^[a-z][a-z0-9-]*$", -1 },
	{ "{\"tracks\": [" T1 "}, {\"name\": \"t\", \"from_tags\": [\"u@{version}\"], \"tags\": [\"u@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "'tracks[1].name': 't' is not unique", -1 },
	{ "{\"tracks\": [{\"name\": \"a-b\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}, {\"name\": \"a-b2\", \"from_tags\": [\"u@{version}\"], \"tags\": [\"u@{version}\"], \"paths\": [\"p\"]}]}", 0, NULL, -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "exactly one version source", -1 },
	{ "{\"tracks\": [" T1 ", \"from_dockerfile\": \"Dockerfile\"}]}", OVM_ECONFIG, "exactly one version source", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"docker/*.dockerfile\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "is a glob", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"/etc/Dockerfile\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "leaves the repository", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"a/../../D\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "leaves the repository", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"path\": \"*.json\", \"format\": \"npm-package\"}], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "is a glob", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"path\": \"p.json\", \"format\": \"yaml\"}], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "unknown format 'yaml'", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"path\": \"p.json\"}], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "'format' is required", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"format\": \"npm-lock\"}], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "'path' is required", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"path\": \"p.json\", \"format\": \"npm-lock\", \"opt\": true}], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "version_files[0].opt': unknown key", -1 },
	{ "{\"tracks\": [" T1 ", \"version_files\": [{\"path\": \"p.json\", \"format\": \"npm-package\"}]}]}", OVM_ECONFIG, "needs a 'commit' template", -1 },
	{ "{\"tracks\": [" T1 ", \"commit\": \"{version}\"}]}", OVM_ECONFIG, "'tracks[0].commit'", -1 },
	{ "{\"tracks\": [" T1 ", \"commit\": \"bump\"}]}", OVM_ECONFIG, "'tracks[0].commit'", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "'tracks[0].tags[0]'", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@\"], \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "'tracks[0].from_tags[0]'", -1 },
	{ "{\"tracks\": [" T1 ", \"bump\": \"micro\"}]}", OVM_ECONFIG, "'tracks[0].bump'", -1 },
	{ "{\"tracks\": [" T1 ", \"initial\": \"1.0\"}]}", OVM_ECONFIG, "'tracks[0].initial'", -1 },
	{ "{\"tracks\": [" T1 ", \"catch_up\": \"yes\"}]}", OVM_ECONFIG, "'tracks[0].catch_up': must be true or false", -1 },
	{ "{\"tracks\": [" T1 ", \"verify_image\": true}]}", OVM_ECONFIG, "for a 'from_dockerfile' track", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"D\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"], \"commit\": \"c {version}\"}]}", OVM_ECONFIG, "for a 'from_tags' track", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"D\", \"stage\": \"Bad Stage\", \"tags\": [\"t@{version}\"], \"paths\": [\"p\"]}]}", OVM_ECONFIG, "not a valid stage name", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"../p\"]}]}", OVM_ECONFIG, "'tracks[0].paths[0]': '../p' leaves the repository", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": [\"!/etc\"]}]}", OVM_ECONFIG, "leaves the repository", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"], \"paths\": []}]}", OVM_ECONFIG, "'tracks[0].paths': must not be empty", -1 },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_tags\": [\"t@{version}\"], \"tags\": [\"t@{version}\"]}]}", OVM_ECONFIG, "'paths' is required", -1 },
	{ "{\"branches\": [\"main\",]}", OVM_ECONFIG, "cfg.json:1:", 1 },
	{ "{\n  \"tracks\": [\n    {\"name\": \"t\",\n     \"from_tags\": [\"t@{version}\"],\n     \"tags\": [\"t@{version}\"], \"paths\": [\"p\"],\n     \"colour\": 1}]}", OVM_ECONFIG, "cfg.json:6: 'tracks[0].colour'", 6 },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ovm_config c;
		struct ovm_err err = OVM_ERR_INIT;
		int rc = ovm_config_load(&c, rows[i].json, strlen(rows[i].json),
		    "cfg.json", &err);

		if (rc != rows[i].code)
			fail_msg("row %zu: rc %d, want %d (%s)", i, rc,
			    rows[i].code, err.msg);
		if (rows[i].needle != NULL && strstr(err.msg, rows[i].needle) == NULL)
			fail_msg("row %zu: message '%s' lacks '%s'", i, err.msg,
			    rows[i].needle);
		if (rows[i].line >= 0 && err.line != rows[i].line)
			fail_msg("row %zu: line %d, want %d (%s)", i, err.line,
			    rows[i].line, err.msg);
		if (rc == 0) {
			assert_string_equal(c.source, "cfg.json");
			ovm_config_free(&c);
		}
	}
}

static void
test_tracks_replace_default(void **state)
{
	struct ovm_config c;
	struct ovm_err err = OVM_ERR_INIT;
	const char *j = "{\"tracks\": [" T1 "}]}";

	(void)state;
	assert_int_equal(ovm_config_load(&c, j, strlen(j), "c", &err), 0);
	assert_int_equal(c.n_tracks, 1);
	assert_string_equal(c.tracks[0].name, "t");
	assert_null(c.tracks[0].skip_token);
	assert_null(c.tracks[0].commit);
	assert_int_equal(c.tracks[0].watch.n, 0);
	assert_false(c.tracks[0].catch_up);
	assert_string_equal(c.tracks[0].bump, "patch");
	assert_string_equal(c.branches.v[0], "main");	/* kept */
	ovm_config_free(&c);
}

static void
test_roundtrip(void **state)
{
	struct ovm_config a, b;
	struct ovm_err err = OVM_ERR_INIT;
	char *ja = NULL, *jb = NULL;

	(void)state;
	assert_int_equal(ovm_config_load(&a, NULL, 0, NULL, &err), 0);
	assert_int_equal(ovm_config_to_json(&ja, &a, &err), 0);
	assert_int_equal(ovm_config_load(&b, ja, strlen(ja), "x", &err), 0);
	assert_int_equal(ovm_config_to_json(&jb, &b, &err), 0);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	ovm_config_free(&a);
	ovm_config_free(&b);
}

/*
 * A repeated key is valid JSON, and cJSON keeps both: one would count and
 * the other be ignored without a word, so the file is refused, naming the
 * key and its line.  (fuzz_config first found that a repeated key leaked
 * its first value and a repeated version_files read past its array; the
 * regression inputs are in tests/fuzz/regressions/config.)
 */
static const struct {
	const char *json;
	const char *want;	/* in the error message */
} repeated[] = {
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"D\", "
	  "\"stage\": \"a\", \"stage\": \"b\", \"tags\": [\"t@{version}\"], "
	  "\"paths\": [\"p\"]}]}", "cfg.json:1: 'tracks[0].stage': appears twice" },
	{ "{\"tracks\": [{\"name\": \"t\", \"from_dockerfile\": \"D\",\n"
	  "\"stage\": \"a\",\n\"stage\": null, \"tags\": [\"t@{version}\"], "
	  "\"paths\": [\"p\"]}]}", "'tracks[0].stage': appears twice" },
	{ "{\"tracks\": [" T1 ", \"skip_token\": \"[a]\", "
	  "\"skip_token\": \"[b]\"}]}", "'tracks[0].skip_token': appears twice" },
	{ "{\"tracks\": [" T1 ", \"commit\": \"c {version}\", "
	  "\"version_files\": [{\"path\": \"a.json\", \"format\": \"npm-package\"}, "
	  "{\"path\": \"b.json\", \"format\": \"npm-lock\", \"path\": \"c.json\"}]}]}",
	  "'tracks[0].version_files[1].path': appears twice" },
	{ "{\"tracks\": [" T1 ", \"commit\": \"c {version}\", "
	  "\"version_files\": [{\"path\": \"a.json\", \"format\": \"npm-package\"}], "
	  "\"version_files\": [{\"path\": \"d.json\", \"format\": \"npm-package\"}]}]}",
	  "'tracks[0].version_files': appears twice" },
	{ "{\"remote\": \"a\", \"remote\": \"b\"}", "cfg.json:1: 'remote': appears twice" },
	{ "{\"identity\": {\"name\": \"x\", \"name\": \"y\", \"email\": \"e\"}}",
	  "'identity.name': appears twice" },
};

static void
test_repeated_keys(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(repeated) / sizeof(repeated[0]); i++) {
		struct ovm_config c;
		struct ovm_err err = OVM_ERR_INIT;

		if (ovm_config_load(&c, repeated[i].json,
		    strlen(repeated[i].json), "cfg.json", &err) != OVM_ECONFIG)
			fail_msg("row %zu: loaded", i);
		if (strstr(err.msg, repeated[i].want) == NULL)
			fail_msg("row %zu: '%s' not in '%s'", i, repeated[i].want,
			    err.msg);
	}
}

static void
test_path_is_safe(void **state)
{
	(void)state;
	assert_true(ovm_path_is_safe("package.json"));
	assert_true(ovm_path_is_safe("a/b/c"));
	assert_true(ovm_path_is_safe(".github/x.yml"));
	assert_true(ovm_path_is_safe("a..b"));
	assert_false(ovm_path_is_safe(""));
	assert_false(ovm_path_is_safe("/abs"));
	assert_false(ovm_path_is_safe(".."));
	assert_false(ovm_path_is_safe("a/../b"));
	assert_false(ovm_path_is_safe("a//b"));
	assert_false(ovm_path_is_safe("./a"));
	assert_false(ovm_path_is_safe("a/"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_tracks_replace_default),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_path_is_safe),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
