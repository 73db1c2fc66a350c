/*
 * Unit tests for src/core/pattern.c: templates and GitHub-style path filters.
 *
 * Path rows cite where their expectation comes from:
 *   CS-PATH  GitHub Docs, "Workflow syntax for GitHub Actions", "Filter
 *            pattern cheat sheet" > "Patterns to match file paths"
 *            (github/docs content/actions/reference/workflows-and-actions/
 *            workflow-syntax.md), one row per listed example match
 *   CS-REF   same page, "Patterns to match branches and tags" (the page
 *            says the special characters are the same in path, branch and
 *            tag filters)
 *   CS-LIST  same page, the bullet list of special characters above the
 *            tables ("Octo*", "[CB]at", "[1-2]00")
 *   ACT      nektos/act pkg/workflowpattern/workflow_pattern_test.go, a
 *            reimplementation of the dialect checked against GitHub
 *   DOC      doc/config.md#path-patterns / the brief for this module
 *   NEG      the complement of a documented example ("does not match")
 */
#include "testutil.h"

#include "core/pattern.h"
#include "util/err.h"

#define MAXPAT 4

/* ---- path filter: matching ------------------------------------------ */

struct match_row {
	const char *src;
	const char *pats[MAXPAT + 1];	/* NULL-terminated */
	const char *path;
	int expected;
};

static const struct match_row match_rows[] = {
	/* CS-PATH: every example of the file-path table. */
	{ "CS-PATH '*'", { "*" }, "README.md", 1 },
	{ "CS-PATH '*'", { "*" }, "server.rb", 1 },
	{ "CS-PATH '*.jsx?'", { "*.jsx?" }, "page.js", 1 },
	{ "CS-PATH '*.jsx?'", { "*.jsx?" }, "page.jsx", 1 },
	{ "CS-PATH '**'", { "**" }, "all/the/files.md", 1 },
	{ "CS-PATH '*.js'", { "*.js" }, "app.js", 1 },
	{ "CS-PATH '*.js'", { "*.js" }, "index.js", 1 },
	{ "CS-PATH '**.js'", { "**.js" }, "index.js", 1 },
	{ "CS-PATH '**.js'", { "**.js" }, "js/index.js", 1 },
	{ "CS-PATH '**.js'", { "**.js" }, "src/js/app.js", 1 },
	{ "CS-PATH docs/*", { "docs/*" }, "docs/README.md", 1 },
	{ "CS-PATH docs/*", { "docs/*" }, "docs/file.txt", 1 },
	{ "CS-PATH docs/**", { "docs/**" }, "docs/README.md", 1 },
	{ "CS-PATH docs/**", { "docs/**" }, "docs/mona/octocat.txt", 1 },
	{ "CS-PATH docs/**/*.md", { "docs/**/*.md" }, "docs/README.md", 1 },
	{ "CS-PATH docs/**/*.md", { "docs/**/*.md" },
	    "docs/mona/hello-world.md", 1 },
	{ "CS-PATH docs/**/*.md", { "docs/**/*.md" },
	    "docs/a/markdown/file.md", 1 },
	{ "CS-PATH '**/docs/**'", { "**/docs/**" }, "docs/hello.md", 1 },
	{ "CS-PATH '**/docs/**'", { "**/docs/**" }, "dir/docs/my-file.txt",
	    1 },
	{ "CS-PATH '**/docs/**'", { "**/docs/**" },
	    "space/docs/plan/space.doc", 1 },
	{ "CS-PATH '**/README.md'", { "**/README.md" }, "README.md", 1 },
	{ "CS-PATH '**/README.md'", { "**/README.md" }, "js/README.md", 1 },
	{ "CS-PATH '**/*src/**'", { "**/*src/**" }, "a/src/app.js", 1 },
	{ "CS-PATH '**/*src/**'", { "**/*src/**" }, "my-src/code/js/app.js",
	    1 },
	{ "CS-PATH '**/*-post.md'", { "**/*-post.md" }, "my-post.md", 1 },
	{ "CS-PATH '**/*-post.md'", { "**/*-post.md" }, "path/their-post.md",
	    1 },
	{ "CS-PATH '**/migrate-*.sql'", { "**/migrate-*.sql" },
	    "migrate-10909.sql", 1 },
	{ "CS-PATH '**/migrate-*.sql'", { "**/migrate-*.sql" },
	    "db/migrate-v1.0.sql", 1 },
	{ "CS-PATH '**/migrate-*.sql'", { "**/migrate-*.sql" },
	    "db/sept/migrate-v1.sql", 1 },
	{ "CS-PATH '*.md' '!README.md'", { "*.md", "!README.md" },
	    "hello.md", 1 },
	{ "CS-PATH '*.md' '!README.md' (does not match)",
	    { "*.md", "!README.md" }, "README.md", 0 },
	{ "CS-PATH '*.md' '!README.md' (does not match)",
	    { "*.md", "!README.md" }, "docs/hello.md", 0 },
	{ "CS-PATH '*.md' '!README.md' README*",
	    { "*.md", "!README.md", "README*" }, "hello.md", 1 },
	{ "CS-PATH '*.md' '!README.md' README*",
	    { "*.md", "!README.md", "README*" }, "README.md", 1 },
	{ "CS-PATH '*.md' '!README.md' README*",
	    { "*.md", "!README.md", "README*" }, "README.doc", 1 },

	/* CS-REF: the branch/tag table, same dialect. */
	{ "CS-REF feature/*", { "feature/*" }, "feature/my-branch", 1 },
	{ "CS-REF feature/*", { "feature/*" }, "feature/your-branch", 1 },
	{ "CS-REF feature/**", { "feature/**" }, "feature/beta-a/my-branch",
	    1 },
	{ "CS-REF feature/**", { "feature/**" }, "feature/your-branch", 1 },
	{ "CS-REF feature/**", { "feature/**" }, "feature/mona/the/octocat",
	    1 },
	{ "CS-REF main releases/mona-the-octocat",
	    { "main", "releases/mona-the-octocat" }, "main", 1 },
	{ "CS-REF main releases/mona-the-octocat",
	    { "main", "releases/mona-the-octocat" },
	    "releases/mona-the-octocat", 1 },
	{ "CS-REF '*'", { "*" }, "main", 1 },
	{ "CS-REF '*'", { "*" }, "releases", 1 },
	{ "CS-REF '**'", { "**" }, "all/the/branches", 1 },
	{ "CS-REF '**'", { "**" }, "every/tag", 1 },
	{ "CS-REF '*feature'", { "*feature" }, "mona-feature", 1 },
	{ "CS-REF '*feature'", { "*feature" }, "feature", 1 },
	{ "CS-REF '*feature'", { "*feature" }, "ver-10-feature", 1 },
	{ "CS-REF v2*", { "v2*" }, "v2", 1 },
	{ "CS-REF v2*", { "v2*" }, "v2.0", 1 },
	{ "CS-REF v2*", { "v2*" }, "v2.9", 1 },
	{ "CS-REF v[12].[0-9]+.[0-9]+", { "v[12].[0-9]+.[0-9]+" }, "v1.10.1",
	    1 },
	{ "CS-REF v[12].[0-9]+.[0-9]+", { "v[12].[0-9]+.[0-9]+" }, "v2.0.0",
	    1 },

	/* CS-LIST: the bullet list's examples. */
	{ "CS-LIST Octo*", { "Octo*" }, "Octocat", 1 },
	{ "CS-LIST [CB]at", { "[CB]at" }, "Cat", 1 },
	{ "CS-LIST [CB]at", { "[CB]at" }, "Bat", 1 },
	{ "CS-LIST [1-2]00", { "[1-2]00" }, "100", 1 },
	{ "CS-LIST [1-2]00", { "[1-2]00" }, "200", 1 },

	/* NEG: what the documented descriptions exclude. */
	{ "NEG '*' does not match '/'", { "*" }, "path/with/slash", 0 },
	{ "NEG '*.js' root only", { "*.js" }, "js/index.js", 0 },
	{ "NEG docs/* root of docs only", { "docs/*" },
	    "docs/mona/octocat.txt", 0 },
	{ "NEG docs/* not another dir", { "docs/*" }, "mydocs/a.md", 0 },
	{ "NEG '*.jsx?' one optional x", { "*.jsx?" }, "page.jsxx", 0 },
	{ "NEG '*.jsx?' needs js", { "*.jsx?" }, "page.j", 0 },
	{ "NEG feature/* one segment", { "feature/*" },
	    "feature/beta-a/my-branch", 0 },
	{ "NEG '**/README.md' whole name", { "**/README.md" },
	    "js/OLDREADME.md", 0 },
	{ "NEG '**/docs/**' whole segment", { "**/docs/**" },
	    "mydocs/a.md", 0 },
	{ "NEG [CB]at", { "[CB]at" }, "Hat", 0 },
	{ "NEG [1-2]00", { "[1-2]00" }, "300", 0 },
	{ "NEG v[12].[0-9]+.[0-9]+ major 3", { "v[12].[0-9]+.[0-9]+" },
	    "v3.0.0", 0 },
	{ "NEG v[12].[0-9]+.[0-9]+ '+' needs one", { "v[12].[0-9]+.[0-9]+" },
	    "v1..0", 0 },
	{ "NEG match the whole path", { "docs" }, "docs/a.md", 0 },
	{ "NEG match from the root", { "a.md" }, "docs/a.md", 0 },
	{ "NEG case-sensitive", { "README.md" }, "readme.md", 0 },

	/* ACT: nektos/act's dialect tests. */
	{ "ACT path/a path/b path/c", { "path/a", "path/b", "path/c" },
	    "path/b", 1 },
	{ "ACT path/a path/b path/c", { "path/a", "path/b", "path/c" },
	    "path/d", 0 },
	{ "ACT \\!file", { "\\!file" }, "!file", 1 },
	{ "ACT escape\\\\backslash", { "escape\\\\backslash" },
	    "escape\\backslash", 1 },
	{ "ACT '.' is literal", { ".yml" }, "fyml", 0 },

	/* DOC: '**' depth rules from the brief. */
	{ "DOC a/**/b zero dirs", { "a/**/b" }, "a/b", 1 },
	{ "DOC a/**/b one dir", { "a/**/b" }, "a/x/b", 1 },
	{ "DOC a/**/b deep", { "a/**/b" }, "a/x/y/z/b", 1 },
	{ "DOC a/**/b not a prefix", { "a/**/b" }, "ab", 0 },
	{ "DOC a/**/b not a/xb", { "a/**/b" }, "a/xb", 0 },
	{ "DOC **/**/x collapses", { "**/**/x" }, "x", 1 },
	{ "DOC **/**/x collapses", { "**/**/x" }, "a/b/x", 1 },
	{ "DOC dir/** below dir", { "dir/**" }, "dir/a/b/c.txt", 1 },
	{ "DOC dir/** not dir itself", { "dir/**" }, "dir", 0 },
	{ "DOC dir/** not dirx", { "dir/**" }, "dirx/a", 0 },
	{ "DOC a**/b: '**' inside a segment is '.*'", { "a**/b" }, "a/b",
	    1 },
	{ "DOC a**/b", { "a**/b" }, "ax/y/b", 1 },
	{ "DOC a**/b has a '/'", { "a**/b" }, "ab", 0 },
	{ "DOC '*' matches dot files", { "*" }, ".gitignore", 1 },
	{ "DOC '**' matches dot dirs", { ".github/**" },
	    ".github/workflows/tag-executor-layer.yml", 1 },

	/* DOC: '!' and the last match wins. */
	{ "DOC only exclusions match nothing", { "!a.md" }, "b.md", 0 },
	{ "DOC only exclusions match nothing", { "!a.md" }, "a.md", 0 },
	{ "DOC empty filter matches nothing", { NULL }, "a.md", 0 },
	{ "DOC exclusion then inclusion", { "!docs/**", "docs/**" },
	    "docs/a.md", 1 },
	{ "DOC inclusion then exclusion", { "docs/**", "!docs/**" },
	    "docs/a.md", 0 },
	{ "DOC re-exclude after re-include",
	    { "**", "!docs/**", "docs/keep/**", "!docs/keep/tmp/**" },
	    "docs/keep/tmp/x", 0 },
	{ "DOC re-include", { "**", "!docs/**", "docs/keep/**",
	    "!docs/keep/tmp/**" }, "docs/keep/x", 1 },
	{ "DOC '!' later in a pattern is literal", { "a!b" }, "a!b", 1 },
	{ "DOC '!!x' excludes literal '!x'", { "*", "!!x" }, "!x", 0 },

	/* DOC: '?' and '+' repeat the preceding character or class. */
	{ "DOC docs?/x optional s", { "docs?/x" }, "doc/x", 1 },
	{ "DOC docs?/x", { "docs?/x" }, "docs/x", 1 },
	{ "DOC a+ one or more", { "a+.txt" }, "aaa.txt", 1 },
	{ "DOC a+ one or more", { "a+.txt" }, ".txt", 0 },
	{ "DOC class repeated", { "v[0-9]+" }, "v2024", 1 },
	{ "DOC class repeated, no '/'", { "v[0-9a-z]+" }, "v1/2", 0 },
	{ "DOC escaped char repeated", { "a\\.?b" }, "ab", 1 },
	{ "DOC escaped char repeated", { "a\\.?b" }, "a.b", 1 },
	{ "DOC multibyte char repeated whole", { "caf\xc3\xa9?" }, "caf",
	    1 },
	{ "DOC multibyte char repeated whole", { "caf\xc3\xa9?" },
	    "caf\xc3\xa9", 1 },
	{ "DOC multibyte char repeated whole", { "caf\xc3\xa9?" },
	    "caf\xc3", 0 },

	/* DOC: escapes and regex metacharacters are literal. */
	{ "DOC \\* literal", { "a\\*b" }, "a*b", 1 },
	{ "DOC \\* literal", { "a\\*b" }, "axb", 0 },
	{ "DOC \\? literal", { "a\\?" }, "a?", 1 },
	{ "DOC \\? literal", { "a\\?" }, "a", 0 },
	{ "DOC \\+ literal", { "c\\+\\+" }, "c++", 1 },
	{ "DOC \\[ literal", { "\\[x]" }, "[x]", 1 },
	{ "DOC ']' alone literal", { "a]" }, "a]", 1 },
	{ "DOC regex syntax literal", { "(a|b){2}$^" }, "(a|b){2}$^", 1 },
	{ "DOC regex syntax literal", { "(a|b){2}$^" }, "aa", 0 },
	{ "DOC class with escaped ']'", { "[\\]a]" }, "]", 1 },
	{ "DOC class with '-' at the end", { "[a-]" }, "-", 1 },
	{ "DOC class never '/'", { "a[a-z]b" }, "a/b", 0 },
	{ "DOC non-UTF-8 path", { "*" }, "\xff\xfe", 1 },
	{ "DOC newline in a name", { "*" }, "a\nb", 1 },
	{ "DOC pathological pattern stays linear", { "*a*a*a*a*a*a*a*a*b" },
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", 0 },

	/* DOC (doc/config.md#the-default-configuration): the embedded default's paths. */
	{ "DOC default trigger", { "dockerfiles/server-base.dockerfile" },
	    "dockerfiles/server-base.dockerfile", 1 },
	{ "DOC default trigger '.' literal",
	    { "dockerfiles/server-base.dockerfile" },
	    "dockerfiles/server-basexdockerfile", 0 },
	{ "DOC default trigger", { "package.json", "requirements.txt" },
	    "requirements.txt", 1 },
	{ "DOC default trigger", { "package.json", "requirements.txt" },
	    "sub/package.json", 0 },
	{ "DOC default watch", { ".github/workflows/tag-executor-layer.yml" },
	    ".github/workflows/tag-executor-layer.yml", 1 },
};

static size_t
count_pats(const char *const *p)
{
	size_t n = 0;

	while (n < MAXPAT && p[n] != NULL)
		n++;
	return n;
}

static void
test_pathfilter_match(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct match_row *r = &match_rows[i];
		struct ovm_pathfilter *f = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		int rc, got;

		rc = ovm_pathfilter_compile(&f, r->pats, count_pats(r->pats),
		    &err);
		if (rc != 0) {
			print_error("row %zu (%s): compile failed: %s\n", i,
			    r->src, err.msg);
			failed++;
			continue;
		}
		got = ovm_pathfilter_match(f, r->path);
		if (got != r->expected) {
			print_error("row %zu (%s): path '%s': got %d, "
			    "expected %d\n", i, r->src, r->path, got,
			    r->expected);
			failed++;
		}
		ovm_pathfilter_free(f);
	}
	print_message("path match rows: %zu\n", i);
	assert_int_equal(failed, 0);
}

/* ---- path filter: compile errors ------------------------------------ */

struct perr_row {
	const char *pat;
	int expected_code;
	const char *in_msg;	/* substring of the message */
};

static const struct perr_row perr_rows[] = {
	{ "", OVM_ECONFIG, "empty path pattern" },
	{ "!", OVM_ECONFIG, "'!'" },
	{ "?x", OVM_ECONFIG, "nothing to repeat" },
	{ "+x", OVM_ECONFIG, "nothing to repeat" },
	{ "!?x", OVM_ECONFIG, "nothing to repeat" },
	{ "a*?", OVM_ECONFIG, "column 3" },
	{ "a**+", OVM_ECONFIG, "nothing to repeat" },
	{ "a??", OVM_ECONFIG, "nothing to repeat" },
	{ "**/?", OVM_ECONFIG, "nothing to repeat" },
	{ "[]", OVM_ECONFIG, "empty class" },
	{ "a[bc", OVM_ECONFIG, "not closed" },
	{ "a[b\\]", OVM_ECONFIG, "not closed" },
	{ "[z-a]", OVM_ECONFIG, "range" },
	{ "[a-Z]", OVM_ECONFIG, "range" },
	{ "[0-z]", OVM_ECONFIG, "range" },
	{ "[!a]", OVM_ECONFIG, "negated" },
	{ "[^a]", OVM_ECONFIG, "negated" },
	{ "[a/b]", OVM_ECONFIG, "'/'" },
	{ "[\xc3\xa9]", OVM_ECONFIG, "ASCII" },
	{ "a\\", OVM_ECONFIG, "escapes nothing" },
	{ "/abs/path", OVM_ECONFIG, "cannot start with '/'" },
	{ "!/abs", OVM_ECONFIG, "column 2" },
	{ "a/../b", OVM_ECONFIG, "'..'" },
	{ "../x", OVM_ECONFIG, "'..'" },
	{ "./x", OVM_ECONFIG, "'.'" },
	{ "a//b", OVM_ECONFIG, "empty path segment" },
	{ "docs/", OVM_ECONFIG, "empty path segment" },
	/* Valid, for contrast: each must compile. */
	{ "a+/b?/[a-z0-9_]*", 0, NULL },
	{ "a\\?", 0, NULL },
	{ "..x/.y", 0, NULL },
	{ "!docs/**", 0, NULL },
};

static void
test_pathfilter_errors(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(perr_rows) / sizeof(perr_rows[0]); i++) {
		const struct perr_row *r = &perr_rows[i];
		const char *pats[2] = { "ok/**", r->pat };
		struct ovm_pathfilter *f = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		int rc;

		rc = ovm_pathfilter_compile(&f, pats, 2, &err);
		if (rc != r->expected_code) {
			print_error("row %zu '%s': rc %d, expected %d (%s)\n",
			    i, r->pat, rc, r->expected_code, err.msg);
			failed++;
		} else if (rc != 0 && (f != NULL ||
		    strstr(err.msg, r->in_msg) == NULL ||
		    (*r->pat != '\0' && strstr(err.msg, r->pat) == NULL))) {
			/* The message names the pattern and what is wrong. */
			print_error("row %zu '%s': message '%s' lacks '%s'\n",
			    i, r->pat, err.msg, r->in_msg);
			failed++;
		}
		ovm_pathfilter_free(f);
	}
	print_message("path error rows: %zu\n", i);
	assert_int_equal(failed, 0);
}

/* ---- path filter: literal prefixes ---------------------------------- */

struct prefix_row {
	const char *pats[MAXPAT + 1];
	const char *expected[MAXPAT + 1];	/* NULL-terminated */
};

static const struct prefix_row prefix_rows[] = {
	{ { "docs/**" }, { "docs/" } },
	{ { "package.json" }, { "package.json" } },
	{ { ".github/workflows/tag-executor-layer.yml" },
	    { ".github/workflows/tag-executor-layer.yml" } },
	{ { "**/x" }, { "" } },
	{ { "*.md" }, { "" } },
	{ { "a/b/*.c" }, { "a/b/" } },
	{ { "a/b*/c" }, { "a/" } },
	{ { "docs/**/*.md" }, { "docs/" } },
	{ { "a/[bc]/d" }, { "a/" } },
	{ { "docs?/x" }, { "" } },		/* 's' is optional */
	{ { "a/b/c?" }, { "a/b/" } },
	{ { "a/?b" }, { "" } },			/* the '/' is optional */
	{ { "a+/b" }, { "" } },
	{ { "a/\\*b/c" }, { "a/*b/c" } },	/* escaped: literal */
	{ { "a/\\*?b" }, { "a/" } },
	{ { "\\!x/y" }, { "!x/y" } },
	{ { "!docs/**", "src/**" }, { "src/" } },
	{ { "docs/**", "docs/*.md", "src/**" }, { "docs/", "src/" } },
	{ { "!only/excluded" }, { NULL } },
	{ { NULL }, { NULL } },
	{ { "package.json", "requirements.txt" },
	    { "package.json", "requirements.txt" } },
};

static void
test_pathfilter_prefixes(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(prefix_rows) / sizeof(prefix_rows[0]); i++) {
		const struct prefix_row *r = &prefix_rows[i];
		struct ovm_pathfilter *f = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		const char *const *got;
		size_t n = 99, want = count_pats(r->expected), k;

		if (ovm_pathfilter_compile(&f, r->pats, count_pats(r->pats),
		    &err) != 0) {
			print_error("row %zu: compile: %s\n", i, err.msg);
			failed++;
			continue;
		}
		got = ovm_pathfilter_prefixes(f, &n);
		if (n != want) {
			print_error("row %zu ('%s'): %zu prefixes, expected "
			    "%zu\n", i, r->pats[0] ? r->pats[0] : "", n, want);
			failed++;
		} else {
			for (k = 0; k < n; k++) {
				if (strcmp(got[k], r->expected[k]) != 0) {
					print_error("row %zu: prefix %zu '%s', "
					    "expected '%s'\n", i, k, got[k],
					    r->expected[k]);
					failed++;
				}
			}
		}
		ovm_pathfilter_free(f);
	}
	print_message("prefix rows: %zu\n", i);
	assert_int_equal(failed, 0);
}

/*
 * Every path a filter matches lies at or under one of its prefixes (the
 * property the tree-diff pruning relies on), over the match rows.
 */
static void
test_pathfilter_prefix_covers(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct match_row *r = &match_rows[i];
		struct ovm_pathfilter *f = NULL;
		const char *const *pre;
		size_t n = 0, k;
		int covered = 0;

		assert_int_equal(ovm_pathfilter_compile(&f, r->pats,
		    count_pats(r->pats), NULL), 0);
		pre = ovm_pathfilter_prefixes(f, &n);
		for (k = 0; k < n; k++) {
			size_t l = strlen(pre[k]);

			if (strncmp(r->path, pre[k], l) == 0 &&
			    (l == 0 || pre[k][l - 1] == '/' ||
			    r->path[l] == '\0' || r->path[l] == '/'))
				covered = 1;
		}
		if (ovm_pathfilter_match(f, r->path) == 1 && !covered) {
			print_error("row %zu: '%s' matched but is under no "
			    "prefix\n", i, r->path);
			failed++;
		}
		ovm_pathfilter_free(f);
	}
	assert_int_equal(failed, 0);
}

/* ---- ovm_pattern_is_literal ----------------------------------------- */

struct lit_row {
	const char *pat;
	int expected;
};

static const struct lit_row lit_rows[] = {
	{ "dockerfiles/server-base.dockerfile", 1 },
	{ "package.json", 1 },
	{ "package-lock.json", 1 },
	{ "a (copy).json", 1 },
	{ "dockerfiles/*.dockerfile", 0 },
	{ "**/package.json", 0 },
	{ "package.jso?", 0 },
	{ "c++/Dockerfile", 0 },	/* '+' repeats in GitHub's dialect */
	{ "v[12].json", 0 },
	{ "a\\*b", 0 },
	{ "!package.json", 0 },
	{ "", 0 },
	{ NULL, 0 },
};

static void
test_is_literal(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(lit_rows) / sizeof(lit_rows[0]); i++) {
		int got = ovm_pattern_is_literal(lit_rows[i].pat);

		if (got != lit_rows[i].expected) {
			print_error("row %zu '%s': got %d\n", i,
			    lit_rows[i].pat ? lit_rows[i].pat : "(null)", got);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* ---- templates: compile --------------------------------------------- */

struct tcomp_row {
	const char *tmpl;
	unsigned flags;
	int expected_code;
	const char *in_msg;
	const char *prefix, *suffix;	/* when it compiles */
};

static const struct tcomp_row tcomp_rows[] = {
	{ NULL, 0, OVM_ECONFIG, "empty template", NULL, NULL },
	{ "", 0, OVM_ECONFIG, "empty template", NULL, NULL },
	{ "executor-layer@", 0, OVM_ECONFIG, "no {version}", NULL, NULL },
	{ "x@{Version}", 0, OVM_ECONFIG, "no {version}", NULL, NULL },
	{ "{version}{version}", 0, OVM_ECONFIG, "more than one", NULL, NULL },
	{ "a@{version}-{version}", 0, OVM_ECONFIG, "more than one", NULL,
	    NULL },
	{ "{version}", OVM_TPL_COMMIT, OVM_ECONFIG, "no text before", NULL,
	    NULL },
	{ "{version} released", OVM_TPL_COMMIT, OVM_ECONFIG, "no text before",
	    NULL, NULL },
	{ "{version}", 0, 0, NULL, "", "" },
	{ "{version}-linux", 0, 0, NULL, "", "-linux" },
	{ "executor-layer@{version}", 0, 0, NULL, "executor-layer@", "" },
	{ "cloud-executor-layer@{version}", 0, 0, NULL,
	    "cloud-executor-layer@", "" },
	{ "server-base@{version}", 0, 0, NULL, "server-base@", "" },
	{ "chore(release): bump executor layer version to {version}",
	    OVM_TPL_COMMIT, 0, NULL,
	    "chore(release): bump executor layer version to ", "" },
	{ " {version}", OVM_TPL_COMMIT, 0, NULL, " ", "" },
	{ "a{b}{version}{c}", 0, 0, NULL, "a{b}", "{c}" },
};

static void
test_template_compile(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(tcomp_rows) / sizeof(tcomp_rows[0]); i++) {
		const struct tcomp_row *r = &tcomp_rows[i];
		struct ovm_template *t = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		int rc;

		rc = ovm_template_compile(&t, r->tmpl, r->flags, &err);
		if (rc != r->expected_code) {
			print_error("row %zu '%s': rc %d, expected %d (%s)\n",
			    i, r->tmpl ? r->tmpl : "(null)", rc,
			    r->expected_code, err.msg);
			failed++;
		} else if (rc != 0) {
			if (t != NULL || strstr(err.msg, r->in_msg) == NULL ||
			    (r->tmpl != NULL && *r->tmpl != '\0' &&
			    strstr(err.msg, r->tmpl) == NULL)) {
				print_error("row %zu: message '%s'\n", i,
				    err.msg);
				failed++;
			}
		} else if (strcmp(ovm_template_prefix(t), r->prefix) != 0 ||
		    strcmp(ovm_template_suffix(t), r->suffix) != 0 ||
		    strcmp(ovm_template_text(t), r->tmpl) != 0) {
			print_error("row %zu: prefix '%s' suffix '%s'\n", i,
			    ovm_template_prefix(t), ovm_template_suffix(t));
			failed++;
		}
		ovm_template_free(t);
	}
	print_message("template compile rows: %zu\n", i);
	assert_int_equal(failed, 0);
}

/* ---- templates: match ----------------------------------------------- */

struct tmatch_row {
	const char *tmpl;
	const char *s;
	int expected;
	const char *version;	/* expected {version} part when 1 */
};

#define EL "executor-layer@{version}"
#define COMMIT "chore(release): bump executor layer version to {version}"

static const struct tmatch_row tmatch_rows[] = {
	{ EL, "executor-layer@1.2.3", 1, "1.2.3" },
	{ EL, "executor-layer@0.1.4", 1, "0.1.4" },
	{ EL, "executor-layer@0.0.0", 1, "0.0.0" },
	{ EL, "executor-layer@10.20.30", 1, "10.20.30" },
	{ EL, "executor-layer@1.2.3-rc.1", 1, "1.2.3-rc.1" },
	{ EL, "executor-layer@1.0.0-alpha.beta.1", 1, "1.0.0-alpha.beta.1" },
	{ EL, "executor-layer@1.0.0-0a.-x", 1, "1.0.0-0a.-x" },
	{ EL, "executor-layer@1.2.3+build.5", 1, "1.2.3+build.5" },
	{ EL, "executor-layer@1.2.3-rc.1+sha.0abc", 1, "1.2.3-rc.1+sha.0abc" },
	{ EL, "executor-layer@1.2.3+001", 1, "1.2.3+001" },
	/* Not SemVer 2.0 (doc/decisions.md#version-from-tags, #deviations: "01.2.3" is ignored). */
	{ EL, "executor-layer@01.2.3", 0, NULL },
	{ EL, "executor-layer@1.02.3", 0, NULL },
	{ EL, "executor-layer@1.2.03", 0, NULL },
	/* The grammar's but no version of ours: a number past 64 bits (fuzz). */
	{ EL, "executor-layer@1.2.99999999999999999999", 0, NULL },
	{ EL, "executor-layer@1.2", 0, NULL },
	{ EL, "executor-layer@1", 0, NULL },
	{ EL, "executor-layer@1.2.3.4", 0, NULL },
	{ EL, "executor-layer@v1.2.3", 0, NULL },
	{ EL, "executor-layer@1.2.3-", 0, NULL },
	{ EL, "executor-layer@1.2.3-01", 0, NULL },
	{ EL, "executor-layer@1.2.3-rc..1", 0, NULL },
	{ EL, "executor-layer@1.2.3+", 0, NULL },
	{ EL, "executor-layer@1.2.3_1", 0, NULL },
	{ EL, "executor-layer@", 0, NULL },
	/* Anchored at both ends: other tracks' tags are not ours. */
	{ EL, "cloud-executor-layer@1.2.3", 0, NULL },
	{ EL, "executor-layer@1.2.3 ", 0, NULL },
	{ EL, "executor-layer@1.2.3\n", 0, NULL },
	{ EL, "Executor-layer@1.2.3", 0, NULL },
	{ "cloud-executor-layer@{version}", "cloud-executor-layer@0.1.4", 1,
	    "0.1.4" },
	{ "server-base@{version}", "server-base@0.6.0", 1, "0.6.0" },
	/* Literal parts never act as regex syntax. */
	{ "a.b+{version}", "a.b+1.0.0", 1, "1.0.0" },
	{ "a.b+{version}", "axb+1.0.0", 0, NULL },
	{ "a.b+{version}", "a.bb1.0.0", 0, NULL },
	{ "a.b+{version}", "a.bbb+1.0.0", 0, NULL },
	{ "[x]{version}$", "[x]1.0.0$", 1, "1.0.0" },
	{ "[x]{version}$", "x1.0.0", 0, NULL },
	{ "^(v|w)*\\E\\Q{version}", "^(v|w)*\\E\\Q2.0.0", 1, "2.0.0" },
	{ "^(v|w)*\\E\\Q{version}", "vvv2.0.0", 0, NULL },
	{ "caf\xc3\xa9-{version}", "caf\xc3\xa9-1.0.0", 1, "1.0.0" },
	/* A suffix: the longest version that leaves it. */
	{ "{version}-linux", "1.2.3-rc.1-linux", 1, "1.2.3-rc.1" },
	{ "{version}-linux", "1.2.3-linux", 1, "1.2.3" },
	{ "{version}-linux", "1.2.3", 0, NULL },
	{ "v{version}", "v0.6.0", 1, "0.6.0" },
	/* The commit template (doc/decisions.md#the-bump-commit): the whole first line. */
	{ COMMIT, "chore(release): bump executor layer version to 0.1.5", 1,
	    "0.1.5" },
	{ COMMIT, "chore(release): bump executor layer version to 0.1.5 ", 0,
	    NULL },
	{ COMMIT, "chore(release) bump executor layer version to 0.1.5", 0,
	    NULL },
	{ COMMIT, "Revert \"chore(release): bump executor layer version to "
	    "0.1.5\"", 0, NULL },
	{ COMMIT, "chore(release): bump executor layer version to 0.1", 0,
	    NULL },
	{ COMMIT, "chore(release): bump executor layer version to latest", 0,
	    NULL },
};

static void
test_template_match(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(tmatch_rows) / sizeof(tmatch_rows[0]); i++) {
		const struct tmatch_row *r = &tmatch_rows[i];
		struct ovm_template *t = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		const char *ver = NULL;
		size_t vlen = 0;
		int got;

		if (ovm_template_compile(&t, r->tmpl, 0, &err) != 0) {
			print_error("row %zu: compile: %s\n", i, err.msg);
			failed++;
			continue;
		}
		got = ovm_template_match(t, r->s, strlen(r->s), &ver, &vlen);
		if (got != r->expected) {
			print_error("row %zu '%s' ~ '%s': got %d\n", i,
			    r->tmpl, r->s, got);
			failed++;
		} else if (got == 1 && (vlen != strlen(r->version) ||
		    memcmp(ver, r->version, vlen) != 0 || ver < r->s ||
		    ver + vlen > r->s + strlen(r->s))) {
			print_error("row %zu '%s': version '%.*s', expected "
			    "'%s'\n", i, r->s, (int)vlen, ver, r->version);
			failed++;
		}
		ovm_template_free(t);
	}
	print_message("template match rows: %zu\n", i);
	assert_int_equal(failed, 0);
}

/* The subject is s[0..len): what follows is not looked at. */
static void
test_template_match_len(void **state)
{
	struct ovm_template *t = NULL;
	const char buf[] = "executor-layer@1.2.3XYZ";
	const char *ver = NULL;
	size_t vlen = 0;

	(void)state;
	assert_int_equal(ovm_template_compile(&t, EL, 0, NULL), 0);
	assert_int_equal(ovm_template_match(t, buf, 20, &ver, &vlen), 1);
	assert_ptr_equal(ver, buf + 15);
	assert_int_equal(vlen, 5);
	assert_int_equal(ovm_template_match(t, buf, 19, NULL, NULL), 0);
	assert_int_equal(ovm_template_match(t, buf, strlen(buf), NULL, NULL),
	    0);
	/* NULL out-parameters are fine. */
	assert_int_equal(ovm_template_match(t, buf, 20, NULL, NULL), 1);
	ovm_template_free(t);
	ovm_template_free(NULL);
	ovm_pathfilter_free(NULL);
}

/* ---- templates: format round-trip ----------------------------------- */

static void
test_template_format(void **state)
{
	static const char *const tmpls[] = {
		EL, "cloud-executor-layer@{version}", "server-base@{version}",
		COMMIT, "a.b+{version}", "{version}", "{version}-linux",
		"^(v|w)*\\E\\Q{version}",
	};
	static const char *const versions[] = {
		"0.1.0", "1.2.3", "1.2.3-rc.1", "1.0.0-alpha+001",
		"10.20.30+build.1.2",
	};
	static const struct {
		const char *tmpl, *version, *expected;
	} fixed[] = {
		{ EL, "0.1.5", "executor-layer@0.1.5" },
		{ COMMIT, "0.1.5",
		    "chore(release): bump executor layer version to 0.1.5" },
		{ "{version}-linux", "1.0.0", "1.0.0-linux" },
	};
	size_t i, k, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
		struct ovm_template *t = NULL;

		assert_int_equal(ovm_template_compile(&t, tmpls[i], 0, NULL),
		    0);
		for (k = 0; k < sizeof(versions) / sizeof(versions[0]); k++) {
			char *s = NULL;
			const char *ver = NULL;
			size_t vlen = 0;

			assert_int_equal(ovm_template_format(&s, t,
			    versions[k]), 0);
			if (ovm_template_match(t, s, strlen(s), &ver,
			    &vlen) != 1 || vlen != strlen(versions[k]) ||
			    memcmp(ver, versions[k], vlen) != 0) {
				print_error("'%s' with '%s' -> '%s' does not "
				    "round-trip\n", tmpls[i], versions[k], s);
				failed++;
			}
			free(s);
		}
		ovm_template_free(t);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct ovm_template *t = NULL;
		char *s = NULL;

		assert_int_equal(ovm_template_compile(&t, fixed[i].tmpl, 0,
		    NULL), 0);
		assert_int_equal(ovm_template_format(&s, t, fixed[i].version),
		    0);
		assert_string_equal(s, fixed[i].expected);
		free(s);
		ovm_template_free(t);
	}
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pathfilter_match),
		cmocka_unit_test(test_pathfilter_errors),
		cmocka_unit_test(test_pathfilter_prefixes),
		cmocka_unit_test(test_pathfilter_prefix_covers),
		cmocka_unit_test(test_is_literal),
		cmocka_unit_test(test_template_compile),
		cmocka_unit_test(test_template_match),
		cmocka_unit_test(test_template_match_len),
		cmocka_unit_test(test_template_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
