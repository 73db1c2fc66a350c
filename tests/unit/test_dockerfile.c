#include "testutil.h"

#include "core/dockerfile/dockerfile.h"

/*
 * Part 1: every row of dockerfile-from/expected.tsv is a test case, run
 * twice: as BuildKit reads it (flags 0) and with ovm-release's policy
 * (OVM_DF_STRICT).  Part 2: hand-written rows for what the corpus does not
 * pin down (lines, hints, stages, escapes, the shell modifiers).
 */

#define CORPUS "dockerfile-from"

struct corpus_row {
	char *file;
	char *image_ref;
	char *version;		/* "ERROR" when the file must be refused */
	char *reason;
	char *rule;
};

static struct corpus_row *corpus;
static size_t ncorpus;

/*
 * Rule UNSET-EMPTY rows under OVM_DF_STRICT.  doc/decisions.md#version-from-a-dockerfile makes a *bare*
 * $NAME / ${NAME} without a value an error naming it; a modifier that
 * supplies the value (${X:-w}, ${X:+w}) is the author saying what an unset
 * X means, so those rows (var NULL) keep their BuildKit result.
 */
static const struct {
	const char *file;
	const char *var;
} unset_rows[] = {
	{ "086.dockerfile", "SAFEIMAGE" },
	{ "088.dockerfile", "base" },
	{ "112.dockerfile", "image" },
	{ "149.dockerfile", "ARCH" },
	{ "173.dockerfile", NULL },		/* scra${DEBUG:-tch} */
	{ "175.dockerfile", "version" },
	{ "176.dockerfile", "VERSION" },
	{ "177.dockerfile", "IMAGE" },
	{ "181.dockerfile", "BUSYBOX_VARIANT" },
	{ "185.dockerfile", "BLANK" },
	{ "195.dockerfile", "TAG" },
	{ "196.dockerfile", "VARIANT" },
	{ "197.dockerfile", NULL },		/* ${TAG:-3.14} */
	{ "198.dockerfile", "VARIANT" },
	{ "219.dockerfile", "img_base" },
	{ "226.dockerfile", "LINUX_VERSION" },	/* ARG LINUX_VERSION u16 */
	{ "239.dockerfile", NULL },		/* ${REDIS_IMAGE:-redis:5} */
	{ "240.dockerfile", "IMAGESUFFIX" },
	{ "241.dockerfile", "CI_REGISTRY" },
	{ "242.dockerfile", "PREFIX" },
	{ "244.dockerfile", "var2" },		/* ${VAR1:-$var2} */
	{ "253.dockerfile", NULL },		/* ${BASE:-a}:${TAG:+edge} */
	{ "254.dockerfile", "DEFAULT" },	/* ${BASE:-${DEFAULT}} */
	{ "255.dockerfile", NULL },		/* ${REGISTRY:-docker.io/..} */
	{ "267.dockerfile", NULL },		/* ${BASE_TAG:-v0.6.0} */
};

#define NUNSET (sizeof(unset_rows) / sizeof(unset_rows[0]))

static int
has_rule(const struct corpus_row *r, const char *rule)
{
	size_t n = strlen(rule);
	const char *p = r->rule;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, rule, n) == 0 && (p[n] == '+' || p[n] == '\0'))
			return 1;
		p = strchr(p, '+');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* "NNN.dockerfile:<line>: " with line >= 1, and a hint. */
static void
assert_located(const struct ovm_err *err, const char *file)
{
	size_t n = strlen(file);

	if (strncmp(err->msg, file, n) != 0 || err->msg[n] != ':' ||
	    err->msg[n + 1] < '1' || err->msg[n + 1] > '9')
		fail_msg("%s: message lacks file:line: '%s'", file, err->msg);
	if (err->line < 1)
		fail_msg("%s: err.line is %d", file, err->line);
	if (err->hint[0] == '\0')
		fail_msg("%s: no hint for '%s'", file, err->msg);
}

/* Checks the result of one corpus file against its BuildKit row. */
static void
check_row(const struct corpus_row *r, unsigned flags)
{
	struct ovm_dockerfile_from f;
	struct ovm_err err = OVM_ERR_INIT;
	char rel[256], *buf;
	size_t len = 0;
	int rc;

	snprintf(rel, sizeof(rel), CORPUS "/%s", r->file);
	buf = tu_read_corpus(rel, &len);
	rc = ovm_dockerfile_from(&f, buf, len, r->file, NULL, flags, &err);
	free(buf);
	if (strcmp(r->version, "ERROR") == 0) {
		if (rc != OVM_EINPUT)
			fail_msg("%s: want an error (%s), got rc %d ref '%s' "
			    "version '%s'", r->file, r->reason, rc,
			    f.image_ref != NULL ? f.image_ref : "",
			    f.version != NULL ? f.version : "");
		assert_located(&err, r->file);
		assert_null(f.image_ref);
		return;
	}
	if (rc != 0)
		fail_msg("%s: want '%s' (%s), got: %s", r->file, r->image_ref,
		    r->version, err.msg);
	assert_string_equal(f.image_ref, r->image_ref);
	assert_string_equal(f.version, r->version);
	assert_non_null(f.tag);
	assert_true(f.line >= 1);
	ovm_dockerfile_from_free(&f);
}

static void
test_corpus_row(void **state)
{
	check_row(*state, 0);
}

static void
test_corpus_row_strict(void **state)
{
	const struct corpus_row *r = *state;
	struct ovm_dockerfile_from f;
	struct ovm_err err = OVM_ERR_INIT;
	char rel[256], *buf;
	size_t i, len = 0;
	int rc;

	if (!has_rule(r, "UNSET-EMPTY")) {
		check_row(r, OVM_DF_STRICT);
		return;
	}
	for (i = 0; i < NUNSET; i++)
		if (strcmp(unset_rows[i].file, r->file) == 0)
			break;
	if (i == NUNSET)
		fail_msg("%s: rule UNSET-EMPTY row missing from unset_rows[]",
		    r->file);
	if (unset_rows[i].var == NULL) {
		check_row(r, OVM_DF_STRICT);
		return;
	}
	snprintf(rel, sizeof(rel), CORPUS "/%s", r->file);
	buf = tu_read_corpus(rel, &len);
	rc = ovm_dockerfile_from(&f, buf, len, r->file, NULL, OVM_DF_STRICT,
	    &err);
	free(buf);
	if (rc != OVM_EINPUT)
		fail_msg("%s: rule UNSET-EMPTY under OVM_DF_STRICT: want the "
		    "policy error naming '%s', got rc %d", r->file,
		    unset_rows[i].var, rc);
	assert_located(&err, r->file);
	/* the policy message, naming the variable in quotes */
	if (strstr(err.msg, "silently make it empty") == NULL)
		fail_msg("%s: rule UNSET-EMPTY: not the policy error: %s",
		    r->file, err.msg);
	{
		char quoted[128];

		snprintf(quoted, sizeof(quoted), "'%s'", unset_rows[i].var);
		if (strstr(err.msg, quoted) == NULL)
			fail_msg("%s: rule UNSET-EMPTY: message does not name "
			    "%s: %s", r->file, quoted, err.msg);
	}
}

/* Every unset_rows[] entry is a corpus row with that rule. */
static void
test_unset_table(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(ncorpus >= 279);
	for (i = 0; i < NUNSET; i++) {
		for (j = 0; j < ncorpus; j++)
			if (strcmp(corpus[j].file, unset_rows[i].file) == 0)
				break;
		if (j == ncorpus || !has_rule(&corpus[j], "UNSET-EMPTY"))
			fail_msg("unset_rows: %s is not an UNSET-EMPTY row",
			    unset_rows[i].file);
	}
}

static int
load_corpus(void)
{
	char *tsv, *line, *next, *f[9], path[4096];
	size_t len = 0;
	int n;

	snprintf(path, sizeof(path), "%s/" CORPUS "/expected.tsv",
	    tu_corpus_dir());
	tsv = tu_read_file(path, &len);
	if (tsv == NULL) {
		fprintf(stderr, "cannot read %s (set OVM_CORPUS)\n", path);
		return -1;
	}
	corpus = calloc(512, sizeof(*corpus));
	if (corpus == NULL) {
		free(tsv);
		return -1;
	}
	for (line = tsv; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		n = tu_split_tsv(line, f, 9);
		if (n < 6 || strcmp(f[0], "file") == 0 || ncorpus == 512)
			continue;
		corpus[ncorpus].file = strdup(f[0]);
		corpus[ncorpus].image_ref = strdup(f[1]);
		corpus[ncorpus].version = strdup(f[2]);
		corpus[ncorpus].reason = strdup(f[3]);
		corpus[ncorpus].rule = strdup(f[5]);
		ncorpus++;
	}
	free(tsv);
	return 0;
}

/* ---- hand-written rows -------------------------------------------- */

struct hand_row {
	const char *name;
	const char *in;		/* the Dockerfile (NUL-free unless len) */
	size_t len;		/* 0: strlen(in) */
	const char *stage;	/* requested stage, or NULL */
	unsigned flags;
	int rc;
	const char *ref;	/* rc 0: image_ref */
	const char *version;	/* rc 0: version */
	int line;		/* the FROM's line, or the error's line */
	const char *out;	/* rc 0: out.stage; error: message part */
};

#define S OVM_DF_STRICT
#define E OVM_EINPUT

static const struct hand_row hand_rows[] = {
	/* lines: directives, comments, blanks, BOM, continuations */
	{ "target repository", "# syntax=docker/dockerfile:1\n"
	  "FROM ghcr.io/oomol/server-base:v0.6.0 AS builder\nRUN x\n", 0,
	  NULL, S, 0, "ghcr.io/oomol/server-base:v0.6.0", "0.6.0", 2,
	  "builder" },
	{ "line after directives and comments", "# syntax=x\n# escape=`\n\n"
	  "# comment\nARG X=1\n\nFROM alpine:3.$X\n", 0, NULL, S, 0,
	  "alpine:3.1", "3.1", 7, NULL },
	{ "BOM keeps line 1", "\xEF\xBB\xBF" "FROM a:1\n", 0, NULL, S, 0,
	  "a:1", "1", 1, NULL },
	{ "BOM before a directive", "\xEF\xBB\xBF# escape=`\nFROM a:1 `\n"
	  "  AS b\n", 0, NULL, S, 0, "a:1", "1", 2, "b" },
	{ "line after continued ARG, comment inside FROM",
	  "ARG A=1 \\\n  B=2\n\n# c\nFROM \\\n# inside\n\n  a:$B\n", 0,
	  NULL, S, 0, "a:2", "2", 5, NULL },
	{ "error line after a continuation", "ARG X \\\n Y\n\nRUN x\n"
	  "FROM a:1\n", 0, NULL, S, E, NULL, NULL, 4,
	  "'RUN' before the first" },
	{ "CRLF before the escape character", "FROM alpine:3.20 \\\r\n"
	  "  AS base\r\n", 0, NULL, S, 0, "alpine:3.20", "3.20", 1, "base" },
	{ "CRLF before a backtick escape", "# escape=`\r\nFROM alpine:3.20 `"
	  "\r\n  AS base\r\n", 0, NULL, S, 0, "alpine:3.20", "3.20", 2,
	  "base" },
	{ "blanks after the escape character", "FROM a:1 \\ \t\r\n AS x\n", 0,
	  NULL, S, 0, "a:1", "1", 1, "x" },
	{ "escape=` makes \\ plain", "# escape=`\nFROM alpine:3.20 \\\n", 0,
	  NULL, S, E, NULL, NULL, 2, "one or three arguments, not 2" },
	{ "escaped escape does not continue", "ARG X=1\\\\\nFROM a:$X\n", 0,
	  NULL, 0, E, NULL, NULL, 2, "invalid image reference 'a:1\\'" },
	{ "continuation joins without a blank", "FROM\\\na:1\n", 0, NULL, 0,
	  E, NULL, NULL, 1, "unknown instruction 'FROMa:1'" },
	{ "continuation keeps the next line's blanks", "FROM\\\n a:1\n", 0,
	  NULL, 0, 0, "a:1", "1", 1, NULL },
	{ "continuation at the end of input", "FROM a:1 \\", 0, NULL, 0, 0,
	  "a:1", "1", 1, NULL },
	{ "directive after a comment is a comment", "# hi\n# escape=`\n"
	  "FROM a:1 \\\n  AS x\n", 0, NULL, 0, 0, "a:1", "1", 3, "x" },
	{ "directive with blanks, key in upper case", "  #  ESCAPE = `  \n"
	  "FROM a:1 `\n AS x\n", 0, NULL, 0, 0, "a:1", "1", 2, "x" },
	{ "escape= without a value is a comment", "# escape=\nFROM a:1\n", 0,
	  NULL, 0, 0, "a:1", "1", 2, NULL },
	{ "repeated directive", "# syntax=a\n# SYNTAX=b\nFROM a:1\n", 0,
	  NULL, 0, E, NULL, NULL, 2, "only one 'syntax' parser directive" },
	{ "bad escape token", "# escape=^\nFROM a:1\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "invalid escape token '^'" },
	{ "Unicode blank before the instruction", "\xC2\xA0" "FROM a:1\n", 0,
	  NULL, 0, 0, "a:1", "1", 1, NULL },
	{ "instruction in lower case, AS folded", "from a:1 as Build\n", 0,
	  NULL, 0, 0, "a:1", "1", 1, "build" },

	/* encodings */
	{ "UTF-16 byte order mark", "\xFF\xFE" "F\0R\0O\0M\0", 10, NULL, 0, E,
	  NULL, NULL, 1, "UTF-16" },
	{ "NUL byte", "FROM a:1\n\0", 10, NULL, 0, E, NULL, NULL, 2,
	  "NUL byte" },
	{ "invalid UTF-8 on line 3", "# x\n# y\n# caf\xE9\nFROM a:1\n", 0,
	  NULL, 0, E, NULL, NULL, 3, "invalid byte 0xe9" },

	/* FROM syntax */
	{ "empty file", "", 0, NULL, 0, E, NULL, NULL, 1, "no instructions" },
	{ "ARG only", "ARG A=1\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "no FROM instruction" },
	{ "FROM without arguments", "FROM\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "one or three" },
	{ "unknown instruction", "ARG A=1\nFRM a:1\n", 0, NULL, 0, E, NULL,
	  NULL, 2, "unknown instruction 'FRM'" },
	{ "bad stage name", "FROM a:1 AS 1x\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "invalid name for build stage: '1x'" },
	{ "stage name is not expanded", "ARG N=x\nFROM a:1 AS $N\n", 0, NULL,
	  0, E, NULL, NULL, 2, "invalid name for build stage" },
	{ "NBSP is no FROM blank", "FROM a:1\xC2\xA0" "AS x\n", 0, NULL, 0, E,
	  NULL, NULL, 1, "one or three" },
	{ "--platform skipped", "FROM --platform=$BUILDPLATFORM a:1 AS b\n",
	  0, NULL, S, 0, "a:1", "1", 1, "b" },
	{ "quoted --platform", "FROM --platform=\"linux/amd64\" a:1\n", 0,
	  NULL, 0, 0, "a:1", "1", 1, NULL },
	{ "unknown flag", "FROM --pull=always a:1\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "unknown flag '--pull'" },
	{ "flag without value", "FROM --platform a:1\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "missing a value on flag '--platform'" },
	{ "repeated flag", "FROM --platform=a --platform=b c:1\n", 0, NULL, 0,
	  E, NULL, NULL, 1, "duplicate flag" },
	{ "empty --platform", "FROM --platform=$P a:1\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "empty platform value" },

	/* quotes, escapes, ARG words */
	{ "quoted image", "FROM \"a:1\" AS x\n", 0, NULL, 0, 0, "a:1", "1", 1,
	  "x" },
	{ "quoted ARG values", "ARG X=\"1.2\" Y='3'\nFROM a:$X.$Y\n", 0, NULL,
	  S, 0, "a:1.2.3", "1.2.3", 2, NULL },
	{ "quoted value with a blank, two ARGs", "ARG A=\"x y\" B=2\n"
	  "FROM a:$B\n", 0, NULL, S, 0, "a:2", "2", 2, NULL },
	{ "single quotes keep $", "ARG X='$Y'\nFROM a:$X\n", 0, NULL, 0, E,
	  NULL, NULL, 2, "invalid image reference 'a:$Y'" },
	{ "escaped dollar", "FROM a:\\$X\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "invalid image reference 'a:$X'" },
	{ "ARG A B declares two", "ARG T=1 \nARG V 2\nFROM a:$T$V\n", 0,
	  NULL, 0, 0, "a:1", "1", 3, NULL },
	{ "ARG A B, strict", "ARG T=1 \nARG V 2\nFROM a:$T$V\n", 0, NULL, S,
	  E, NULL, NULL, 3, "'V', an ARG without a value" },
	{ "pairs of one ARG in order", "ARG A=1 B=$A.0\nFROM a:$B\n", 0, NULL,
	  S, 0, "a:1.0", "1.0", 2, NULL },
	{ "valueless ARG keeps the value", "ARG A=1\nARG A\nFROM a:$A\n", 0,
	  NULL, S, 0, "a:1", "1", 3, NULL },
	{ "self-referencing default", "ARG X=${X:-v1.0.0}\nFROM a:$X\n", 0,
	  NULL, S, 0, "a:v1.0.0", "1.0.0", 2, NULL },
	{ "blank ARG name", "ARG =1\nFROM a:1\n", 0, NULL, 0, E, NULL, NULL,
	  1, "ARG names can not be blank" },
	{ "ARG without a name", "ARG\nFROM a:1\n", 0, NULL, 0, E, NULL, NULL,
	  1, "at least one argument" },
	{ "meta ARGs only before FROM", "ARG V=1\nFROM a:$V AS one\nARG V=2\n"
	  "FROM b:$V AS two\n", 0, "two", S, 0, "b:1", "1", 4, "two" },

	/* modifiers */
	{ "${X#p}", "ARG X=v1.2.3\nFROM a:${X#v}\n", 0, NULL, S, 0, "a:1.2.3",
	  "1.2.3", 2, NULL },
	{ "${X#*.} shortest", "ARG X=1.2.3\nFROM a:${X#*.}\n", 0, NULL, S, 0,
	  "a:2.3", "2.3", 2, NULL },
	{ "${X##*.} longest", "ARG X=1.2.3\nFROM a:${X##*.}\n", 0, NULL, S, 0,
	  "a:3", "3", 2, NULL },
	{ "${X%.*} shortest", "ARG X=1.2.3\nFROM a:${X%.*}\n", 0, NULL, S, 0,
	  "a:1.2", "1.2", 2, NULL },
	{ "${X%%.*} longest", "ARG X=1.2.3\nFROM a:${X%%.*}\n", 0, NULL, S, 0,
	  "a:1", "1", 2, NULL },
	{ "${X#?} and escaped *",
	  "ARG X=*a*1\nFROM a:${X#\\*a\\*}.${X#?a\\*}\n", 0, NULL, S, 0,
	  "a:1.1", "1.1", 2, NULL },
	{ "[ is literal in patterns", "ARG X=[a]1\nFROM a:${X#[a]}\n", 0,
	  NULL, S, 0, "a:1", "1", 2, NULL },
	{ "no match leaves the value", "ARG X=1.2\nFROM a:${X#x}${X%x}\n", 0,
	  NULL, S, 0, "a:1.21.2", "1.21.2", 2, NULL },
	{ "invalid pattern escape", "ARG X=1\nFROM a:${X#\\a}\n", 0, NULL, 0,
	  E, NULL, NULL, 2, "invalid escape" },
	{ "${X/p/r}", "ARG X=1_2_3\nFROM a:${X/_/.}\n", 0, NULL, S, 0,
	  "a:1.2_3", "1.2_3", 2, NULL },
	{ "${X//p/r}", "ARG X=1_2_3\nFROM a:${X//_/.}\n", 0, NULL, S, 0,
	  "a:1.2.3", "1.2.3", 2, NULL },
	{ "${X//*/r} greedy", "ARG X=abc\nFROM a:1${X//b*/.5}\n", 0, NULL, S,
	  0, "a:1a.5", "1a.5", 2, NULL },
	{ "${X:-w} on empty", "ARG E=\nFROM a:${E:-1}\n", 0, NULL, S, 0,
	  "a:1", "1", 2, NULL },
	{ "${X-w} on empty", "ARG E=\nFROM a:1${E-2}\n", 0, NULL, S, 0, "a:1",
	  "1", 2, NULL },
	{ "${X-w} on unset", "FROM a:1${U-2}\n", 0, NULL, S, 0, "a:12", "12",
	  1, NULL },
	{ "${X:+w}", "ARG X=1\nARG E=\nFROM a:${X:+2}${E:+3}${U:+4}\n", 0,
	  NULL, S, 0, "a:2", "2", 3, NULL },
	{ "${X+w} on empty", "ARG E=\nFROM a:1${E+2}\n", 0, NULL, S, 0,
	  "a:12", "12", 2, NULL },
	{ "${X?m} set", "ARG X=1\nFROM a:${X?m}\n", 0, NULL, S, 0, "a:1", "1",
	  2, NULL },
	{ "${X:?msg} unset", "FROM a:${X:?set_X}\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "X: set_X" },
	{ "${X?} unset", "FROM a:${X?}\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "X: is not allowed to be unset" },
	{ "${X:?} empty", "ARG X=\nFROM a:${X:?}\n", 0, NULL, 0, E, NULL,
	  NULL, 2, "X: is not allowed to be empty" },
	{ "${X:?} in an unused default", "ARG X=\"${Y:?no Y}\"\nFROM a:1\n", 0,
	  NULL, 0, E, NULL, NULL, 1, "Y: no Y" },
	{ "quotes inside a modifier", "FROM a:${U:-\"1.2\"}\n", 0, NULL, S,
	  0, "a:1.2", "1.2", 1, NULL },
	{ "FROM splits on blanks inside quotes", "FROM \"a:1 AS x\"\n", 0,
	  NULL, 0, E, NULL, NULL, 1, "invalid name for build stage: 'x\"'" },
	{ "unterminated ${", "FROM a:${X\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "missing '}'" },
	{ "bad substitution", "FROM a:${}\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "bad substitution" },
	{ "unsupported modifier", "ARG X=1\nFROM a:${X:#1}\n", 0, NULL, 0, E,
	  NULL, NULL, 2, "unsupported modifier (:#)" },
	{ "unterminated quote", "FROM \"a:1\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "double-quote" },
	{ "lone $ is literal", "FROM a:1$\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "invalid image reference 'a:1$'" },

	/* ovm-release's policy: unset ARGs */
	{ "undeclared, BuildKit", "FROM a:1${V}\n", 0, NULL, 0, 0, "a:1", "1",
	  1, NULL },
	{ "undeclared, strict", "FROM a:1${V}\n", 0, NULL, S, E, NULL, NULL,
	  1, "'V', which no ARG before the first FROM declares" },
	{ "unset through an ARG, strict", "ARG B\nARG A=1$B\nFROM a:$A\n", 0,
	  NULL, S, E, NULL, NULL, 3, "uses 'B'" },
	{ "unset through an ARG, BuildKit", "ARG B\nARG A=1$B\nFROM a:$A\n",
	  0, NULL, 0, 0, "a:1", "1", 3, NULL },
	{ "unset with a default is fine", "ARG B\nFROM a:${B:-1}\n", 0, NULL,
	  S, 0, "a:1", "1", 2, NULL },
	{ "unset in an unused ARG is fine", "ARG A=$B\nFROM a:1\n", 0, NULL,
	  S, 0, "a:1", "1", 2, NULL },
	{ "explicit empty value is a value", "ARG S=\"\"\nFROM a:1$S\n", 0,
	  NULL, S, 0, "a:1", "1", 2, NULL },

	/* builder-provided ARGs */
	{ "TARGETOS", "FROM a:1-${TARGETOS}\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "depends on 'TARGETOS'" },
	{ "through a meta ARG", "ARG P=$BUILDPLATFORM\nFROM a:1${P#linux}\n",
	  0, NULL, 0, E, NULL, NULL, 2, "depends on 'BUILDPLATFORM'" },
	{ "TARGETVARIANT may be empty", "FROM a:1${TARGETVARIANT:+-v}\n", 0,
	  NULL, 0, E, NULL, NULL, 1, "depends on 'TARGETVARIANT'" },
	{ "TARGETARCH is never empty", "FROM a:1${TARGETARCH:+x}\n", 0, NULL,
	  0, 0, "a:1x", "1x", 1, NULL },
	{ "any use when strict", "FROM a:1${TARGETARCH:+x}\n", 0, NULL, S, E,
	  NULL, NULL, 1, "depends on 'TARGETARCH'" },
	{ "an ARG value overrides", "ARG TARGETARCH=arm64\n"
	  "FROM a:1-$TARGETARCH\n", 0, NULL, S, 0, "a:1-arm64", "1-arm64", 2,
	  NULL },

	/* reference policy */
	{ "scratch", "FROM scratch\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "FROM scratch" },
	{ "no tag", "ARG X=1\n\nFROM ghcr.io/x/y\n", 0, NULL, 0, E, NULL, NULL,
	  3, "has no tag" },
	{ "port is no tag", "FROM localhost:5000/x/y\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "has no tag" },
	{ "localhost:5000 alone is a tag", "FROM localhost:5000\n", 0, NULL,
	  0, 0, "localhost:5000", "5000", 1, NULL },
	{ "digest only", "FROM a@sha256:0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef\n", 0, NULL, 0, E, NULL, NULL, 1,
	  "pinned by digest; no tag to release" },
	{ "tag and digest", "FROM a:v2@sha256:0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef\n", 0, NULL, 0, 0,
	  "a:v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef", "2", 1, NULL },
	{ "upper case name", "FROM ghcr.io/Oomol/x:1\n", 0, NULL, 0, E, NULL,
	  NULL, 1, "must be lowercase" },
	{ "V is kept", "FROM a:V1.0.0\n", 0, NULL, 0, 0, "a:V1.0.0", "V1.0.0",
	  1, NULL },
	{ "v without a digit is kept", "FROM a:vx\n", 0, NULL, 0, 0, "a:vx",
	  "vx", 1, NULL },
	{ "one v only", "FROM a:vv1\n", 0, NULL, 0, 0, "a:vv1", "vv1", 1,
	  NULL },

	/* stages */
	{ "stage by name", "FROM a:1 AS one\nRUN x\nFROM b:2 AS Two\n", 0,
	  "two", 0, 0, "b:2", "2", 3, "two" },
	{ "stage name in any case", "FROM a:1 AS one\nFROM b:2 AS two\n", 0,
	  "TWO", 0, 0, "b:2", "2", 2, "two" },
	{ "first FROM without a stage", "FROM a:1 AS one\nFROM b:2 AS two\n",
	  0, NULL, 0, 0, "a:1", "1", 1, "one" },
	{ "stage on an earlier stage", "FROM ghcr.io/x/base:v1.2.3 AS base\n"
	  "RUN x\nFROM base AS final\n", 0, "final", S, 0,
	  "ghcr.io/x/base:v1.2.3", "1.2.3", 1, "base" },
	{ "repeated stage: the last", "FROM a:1 AS x\nFROM b:2 AS x\n", 0,
	  "x", 0, 0, "b:2", "2", 2, "x" },
	{ "stage not found", "FROM a:1 AS one\nFROM b:2 AS two\n", 0, "nope",
	  0, E, NULL, NULL, 2, "no FROM declares the stage 'nope'" },
	{ "here-document bodies are skipped", "FROM a:1 AS one\n"
	  "RUN <<EOF cat >x\nFROM bogus\nnot an instruction\nEOF\n"
	  "COPY <<-\"END\" /y\n\tFROM b:9 AS two\n\tEND\nFROM b:2 AS two\n", 0,
	  "two", 0, 0, "b:2", "2", 9, "two" },
	{ "exec form has no here-document", "FROM a:1 AS one\n"
	  "RUN [\"sh\", \"-c\", \"cat <<EOF\"]\nFROM b:2 AS two\n", 0, "two",
	  0, 0, "b:2", "2", 3, "two" },
	{ "unterminated here-document", "FROM a:1 AS one\nRUN <<EOF\nx\n", 0,
	  "one", 0, E, NULL, NULL, 2, "unterminated heredoc 'EOF'" },
	{ "later stages are checked", "FROM a:1 AS one\nFROM ${X:?} AS two\n",
	  0, "one", 0, E, NULL, NULL, 2, "X: is not allowed to be unset" },
	{ "an unknown instruction later", "FROM a:1 AS one\nFOO x\n", 0,
	  "one", 0, E, NULL, NULL, 2, "unknown instruction 'FOO'" },
	{ "not read without a stage", "FROM a:1 AS one\nFOO x\n", 0, NULL, 0,
	  0, "a:1", "1", 1, "one" },
};

static void
test_hand_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hand_rows) / sizeof(hand_rows[0]); i++) {
		const struct hand_row *r = &hand_rows[i];
		struct ovm_dockerfile_from f;
		struct ovm_err err = OVM_ERR_INIT;
		size_t len = r->len > 0 ? r->len : strlen(r->in);
		char *buf = malloc(len + 1);
		int rc;

		/* an exact-size copy lets ASan catch reads past the end */
		assert_non_null(buf);
		memcpy(buf, r->in, len);
		rc = ovm_dockerfile_from(&f, buf, len, "Dockerfile", r->stage,
		    r->flags, &err);
		free(buf);
		if (rc != r->rc)
			fail_msg("%s: rc %d, want %d (%s)", r->name, rc, r->rc,
			    err.msg);
		if (rc != 0) {
			assert_located(&err, "Dockerfile");
			if (err.line != r->line)
				fail_msg("%s: error on line %d, want %d: %s",
				    r->name, err.line, r->line, err.msg);
			if (strstr(err.msg, r->out) == NULL)
				fail_msg("%s: '%s' lacks '%s'", r->name,
				    err.msg, r->out);
			assert_null(f.image_ref);
			continue;
		}
		if (strcmp(f.image_ref, r->ref) != 0 ||
		    strcmp(f.version, r->version) != 0 || f.line != r->line)
			fail_msg("%s: got '%s' '%s' line %d", r->name,
			    f.image_ref, f.version, f.line);
		if ((r->out == NULL) != (f.stage == NULL) ||
		    (r->out != NULL && strcmp(r->out, f.stage) != 0))
			fail_msg("%s: stage '%s'", r->name,
			    f.stage != NULL ? f.stage : "(null)");
		ovm_dockerfile_from_free(&f);
	}
}

/* The parsed reference comes with the result. */
static void
test_fields(void **state)
{
	static const char in[] = "FROM localhost:5000/team/img:v1.2.3@sha256:"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "\n";
	struct ovm_dockerfile_from f;
	struct ovm_err err = OVM_ERR_INIT;

	(void)state;
	assert_int_equal(ovm_dockerfile_from(&f, in, strlen(in), "D", NULL,
	    OVM_DF_STRICT, &err), 0);
	assert_string_equal(f.tag, "v1.2.3");
	assert_string_equal(f.version, "1.2.3");
	assert_string_equal(f.digest, "sha256:0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	assert_null(f.stage);
	assert_string_equal(f.ref.domain, "localhost:5000");
	assert_string_equal(f.ref.path, "team/img");
	ovm_dockerfile_from_free(&f);
	ovm_dockerfile_from_free(&f);	/* twice: a no-op */
	ovm_dockerfile_from_free(NULL);
}

/* BuildKit's bufio.Scanner refuses lines of 64 KiB and more. */
static void
test_long_line(void **state)
{
	size_t n = 70000;
	char *buf = malloc(n);
	struct ovm_dockerfile_from f;
	struct ovm_err err = OVM_ERR_INIT;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "# x\n#", 5);
	memset(buf + 5, 'x', n - 5);
	assert_int_equal(ovm_dockerfile_from(&f, buf, n, "D", NULL, 0, &err),
	    OVM_EINPUT);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "longer than"));
	free(buf);
}

/* ${...} may nest, but not without bound. */
static void
test_nesting(void **state)
{
	struct ovm_dockerfile_from f;
	struct ovm_err err = OVM_ERR_INIT;
	char buf[1024];
	int i, depth, rc;

	(void)state;
	for (depth = 63; depth <= 65; depth++) {
		strcpy(buf, "FROM a:");
		for (i = 0; i < depth; i++)
			strcat(buf, "${U:-");
		strcat(buf, "1");
		for (i = 0; i < depth; i++)
			strcat(buf, "}");
		rc = ovm_dockerfile_from(&f, buf, strlen(buf), "D", NULL,
		    OVM_DF_STRICT, &err);
		if (depth <= 64) {
			assert_int_equal(rc, 0);
			assert_string_equal(f.version, "1");
			ovm_dockerfile_from_free(&f);
		} else {
			assert_int_equal(rc, OVM_EINPUT);
			assert_non_null(strstr(err.msg, "nested more than 64"));
		}
	}
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_unset_table),
		cmocka_unit_test(test_hand_rows),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nesting),
	};
	struct CMUnitTest *t;
	char **names;
	size_t i, n;
	int failed;

	if (load_corpus() < 0)
		return 1;
	n = 2 * ncorpus + sizeof(fixed) / sizeof(fixed[0]);
	t = calloc(n, sizeof(*t));
	names = calloc(2 * ncorpus, sizeof(*names));
	if (t == NULL || names == NULL)
		return 1;
	for (i = 0; i < ncorpus; i++) {
		const struct corpus_row *r = &corpus[i];

		if (asprintf(&names[2 * i], "corpus %s", r->file) < 0 ||
		    asprintf(&names[2 * i + 1], "corpus %s strict%s", r->file,
		    has_rule(r, "UNSET-EMPTY") ? " (rule UNSET-EMPTY)" :
		    "") < 0)
			return 1;
		t[2 * i].name = names[2 * i];
		t[2 * i].test_func = test_corpus_row;
		t[2 * i].initial_state = &corpus[i];
		t[2 * i + 1].name = names[2 * i + 1];
		t[2 * i + 1].test_func = test_corpus_row_strict;
		t[2 * i + 1].initial_state = &corpus[i];
	}
	memcpy(t + 2 * ncorpus, fixed, sizeof(fixed));
	failed = _cmocka_run_group_tests("dockerfile", t, n, NULL, NULL);
	for (i = 0; i < 2 * ncorpus; i++)
		free(names[i]);
	for (i = 0; i < ncorpus; i++) {
		free(corpus[i].file);
		free(corpus[i].image_ref);
		free(corpus[i].version);
		free(corpus[i].reason);
		free(corpus[i].rule);
	}
	free(corpus);
	free(names);
	free(t);
	return failed;
}
