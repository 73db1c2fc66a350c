/*
 * The $GITHUB_OUTPUT writer.  A minimal plan with one track whose strings
 * (name, version, previous, package version, image reference, tags) come
 * from the input, split at NUL bytes; the written file is parsed the way
 * the Actions runner parses it (lines split at LF; "key=value" when '='
 * comes before "<<", else "key<<DELIM" and the value up to a line equal
 * to DELIM), and exactly the expected keys must come back with exactly
 * the values given.
 *
 * The track name is mapped onto ^[a-z][a-z0-9-]*$ (the config rejects
 * others); every value is arbitrary bytes.
 */
#include "fuzz.h"

#include "cli/out.h"
#include "plan/plan.h"

#define N_KEYS 10
static const char *const keys[N_KEYS] = { "should_push", "decision",
    "reason", "result", "version", "previous_version", "package_version",
    "image_ref", "tag", "tags" };

struct kv {
	char *key, *value;
};

/* Parses text like the runner; returns the pair count or -1 (malformed). */
static int
parse_output(struct kv *out, int max, const char *text, size_t len)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - line) : len - i;
		const char *eq = memchr(line, '=', ll);
		const char *hd = NULL;
		size_t k;

		i += ll + (nl != NULL);
		if (ll == 0)
			continue;
		for (k = 0; k + 1 < ll; k++)
			if (line[k] == '<' && line[k + 1] == '<') {
				hd = line + k;
				break;
			}
		if (n == max)
			return -1;
		if (eq != NULL && (hd == NULL || eq < hd)) {
			out[n].key = fz_strndup((const uint8_t *)line,
			    (size_t)(eq - line));
			out[n].value = fz_strndup((const uint8_t *)eq + 1,
			    ll - (size_t)(eq - line) - 1);
			n++;
			continue;
		}
		if (hd == NULL)
			return -1;
		{
			const char *delim = hd + 2;
			size_t dl = ll - (size_t)(delim - line);
			size_t vstart = i, vend = i;
			int found = 0;

			while (i < len) {
				const char *l2 = text + i;
				const char *n2 = memchr(l2, '\n', len - i);
				size_t l2l = n2 != NULL ? (size_t)(n2 - l2) :
				    len - i;

				if (l2l == dl && memcmp(l2, delim, dl) == 0) {
					i += l2l + (n2 != NULL);
					found = 1;
					break;
				}
				if (n2 == NULL)
					return -1;	/* EOF marker missing */
				i += l2l + 1;
				vend = i - 1;
			}
			if (!found)
				return -1;
			out[n].key = fz_strndup((const uint8_t *)line,
			    (size_t)(hd - line));
			out[n].value = fz_strndup((const uint8_t *)text + vstart,
			    vend > vstart ? vend - vstart : 0);
			n++;
		}
	}
	return n;
}

/* The next NUL-separated field of the input (a copy), "" at the end. */
static char *
field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = z != NULL ? (size_t)(z - *p) : (size_t)(end - *p);
	char *s = fz_strndup(*p, n);

	*p += n + (z != NULL);
	return s;
}

static const char *
expected(const struct ovm_plan_track *t, const char *key, const char *tags)
{
	if (strcmp(key, "version") == 0)
		return t->version ? t->version : "";
	if (strcmp(key, "previous_version") == 0)
		return t->previous ? t->previous : "";
	if (strcmp(key, "package_version") == 0)
		return t->package_version ? t->package_version : "";
	if (strcmp(key, "image_ref") == 0)
		return t->image_ref ? t->image_ref : "";
	if (strcmp(key, "tag") == 0)
		return t->n_tags > 0 ? t->tags[0].name : "";
	if (strcmp(key, "tags") == 0)
		return tags;
	if (strcmp(key, "should_push") == 0)
		return t->decision == OVM_DEC_RELEASE && t->exit_code == 0 ?
		    "true" : "false";
	return NULL;	/* decision, reason, result: not from the input */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct ovm_track cfg;
	struct ovm_plan_track t;
	struct ovm_plan_tag tg[3];
	struct ovm_plan plan;
	struct kv kv[4 * N_KEYS];
	char *text = NULL, *raw_name, name[64], tags[4096], prefix[80];
	size_t text_len = 0, i, k;
	unsigned ctl = size > 0 ? data[0] : 0;
	FILE *f;
	int n, single = ctl & 1, j;

	if (size > 0)
		p++;
	memset(&cfg, 0, sizeof(cfg));
	memset(&t, 0, sizeof(t));
	memset(&plan, 0, sizeof(plan));
	memset(tg, 0, sizeof(tg));
	raw_name = field(&p, end);
	/* ^[a-z][a-z0-9-]*$ from any bytes */
	name[0] = (char)('a' + (unsigned char)raw_name[0] % 26);
	for (k = 1; k < sizeof(name) - 1 && raw_name[0] != '\0' &&
	    raw_name[k] != '\0'; k++) {
		static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789-";

		name[k] = alpha[(unsigned char)raw_name[k] % 37];
	}
	name[k] = '\0';
	cfg.name = name;
	t.cfg = &cfg;
	t.decision = (enum ovm_decision)((ctl >> 1) % 4);
	t.reason = (enum ovm_reason)((ctl >> 3) % (OVM_R_CONFLICT + 1));
	t.result = (enum ovm_result)((ctl >> 5) % 7);
	t.exit_code = (ctl & 0x80) ? 2 : 0;
	t.version = field(&p, end);
	t.previous = field(&p, end);
	t.package_version = field(&p, end);
	t.image_ref = field(&p, end);
	t.tags = tg;
	tags[0] = '\0';
	for (j = 0; j < 3 && p < end; j++) {
		tg[j].name = field(&p, end);
		t.n_tags++;
		snprintf(tags + strlen(tags), sizeof(tags) - strlen(tags),
		    "%s%s", j ? " " : "", tg[j].name);
	}
	plan.tracks = &t;
	plan.n_tracks = 1;

	f = open_memstream(&text, &text_len);
	FZ_CHECK(f != NULL, "open_memstream");
	FZ_CHECK(ovm_plan_write_github_output(f, &plan, single, NULL) == 0,
	    "write");
	fclose(f);

	n = parse_output(kv, 4 * N_KEYS, text, text_len);
	FZ_CHECK(n == (single ? 2 : 1) * N_KEYS, "%d keys parsed from:\n%s", n,
	    text);
	snprintf(prefix, sizeof(prefix), "%s_", name);
	for (k = 0; prefix[k] != '\0'; k++)
		if (prefix[k] == '-')
			prefix[k] = '_';
	for (i = 0; i < (size_t)n; i++) {
		const char *key = kv[i].key, *want;

		if (i < N_KEYS) {
			FZ_CHECK(strncmp(key, prefix, strlen(prefix)) == 0,
			    "key '%s' lacks prefix '%s'", key, prefix);
			key += strlen(prefix);
		}
		FZ_CHECK(strcmp(key, keys[i % N_KEYS]) == 0, "key %zu is '%s'",
		    i, kv[i].key);
		want = expected(&t, key, tags);
		if (want != NULL && strlen(tags) < sizeof(tags) - 1)
			FZ_CHECK(strcmp(kv[i].value, want) == 0,
			    "key '%s' = '%s', want '%s'", kv[i].key,
			    kv[i].value, want);
	}
	for (i = 0; i < (size_t)(n > 0 ? n : 0); i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(text);
	free(raw_name);
	free(t.version);
	free(t.previous);
	free(t.package_version);
	free(t.image_ref);
	for (j = 0; j < (int)t.n_tags; j++)
		free(tg[j].name);
	return 0;
}
