/*
 * Tags by prefix, read from packed-refs and the loose tag files, and the
 * commit a tag points at.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "git/git_int.h"

/*
 * Tags by prefix, read the way git stores them rather than through
 * libgit2's reference iterator (which copies every packed ref and reads
 * every loose one): a binary search in the sorted packed-refs file, whose
 * "^" lines give annotated tags' targets for free, plus a listing of the
 * loose tags with that prefix (a loose ref overrides its packed copy).
 */

struct packed {
	const char *buf;
	size_t len;
};

static size_t
line_end(const struct packed *pk, size_t pos)
{
	const char *nl = memchr(pk->buf + pos, '\n', pk->len - pos);

	return nl != NULL ? (size_t)(nl - pk->buf) + 1 : pk->len;
}

/* The first record line (not '^' or '#') at or after line start pos. */
static size_t
next_record(const struct packed *pk, size_t pos)
{
	while (pos < pk->len && (pk->buf[pos] == '^' || pk->buf[pos] == '#'))
		pos = line_end(pk, pos);
	return pos;
}

/* <0, 0, >0: the record's name against the prefix (0: it starts with it). */
static int
record_cmp(const struct packed *pk, size_t rec, const char *prefix, size_t plen)
{
	const char *name = pk->buf + rec + GIT_OID_HEXSZ + 1;
	size_t nlen = line_end(pk, rec) - (rec + GIT_OID_HEXSZ + 1);
	int c;

	if (rec + GIT_OID_HEXSZ + 1 > pk->len)
		return 1;
	while (nlen > 0 && (name[nlen - 1] == '\n' || name[nlen - 1] == '\r'))
		nlen--;
	c = memcmp(name, prefix, nlen < plen ? nlen : plen);
	if (c != 0)
		return c;
	return nlen < plen ? -1 : 0;
}

/* 1 when p starts with 40 lower-case hex digits (packed-refs' form). */
static int
is_hex_id(const char *p)
{
	int i;

	for (i = 0; i < GIT_OID_HEXSZ; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/* The commit an id peels to ("" when not a commit-ish). */
static void
peel_hex(struct ovm_oid *out, struct ovm_repo *r, const git_oid *id)
{
	git_odb *odb = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t len;

	out->hex[0] = '\0';
	if (git_repository_odb(&odb, r->repo) == 0 &&
	    git_odb_read_header(&len, &type, odb, id) == 0 &&
	    type == GIT_OBJECT_COMMIT)
		og_oid_hex(out, id);
	else if (type == GIT_OBJECT_TAG &&
	    git_object_lookup(&obj, r->repo, id, GIT_OBJECT_TAG) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
		og_oid_hex(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	git_odb_free(odb);
	git_error_clear();
}

/* The length of prefix's directory part ("a/b@" -> 2, "a@" -> 0). */
static size_t
dir_len(const char *prefix)
{
	const char *slash = strrchr(prefix, '/');

	return slash != NULL ? (size_t)(slash - prefix + 1) : 0;
}

/*
 * Loose tags whose names start with prefix[i] for some i in want[0..nw),
 * names only (a target is read when one is needed).  All the wanted
 * prefixes share one directory, read once: a directory of 20k refs costs
 * more to read than anything done with the names.
 */
static int
loose_tags(struct ovm_tagv *out, struct ovm_repo *r,
    const char *const *prefix, const size_t *want, size_t nw,
    struct ovm_err *err)
{
	size_t dl = dir_len(prefix[want[0]]), i;
	char dir[4096];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%srefs/tags/%.*s",
	    git_repository_commondir(r->repo), (int)dl, prefix[want[0]]);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char name[4096];
		size_t nlen = strlen(de->d_name);

		if (de->d_name[0] == '.' || de->d_type == DT_DIR ||
		    dl + nlen >= sizeof(name))
			continue;
		for (i = 0; i < nw; i++) {
			const char *base = prefix[want[i]] + dl;

			if (strncmp(de->d_name, base, strlen(base)) == 0)
				break;
		}
		if (i == nw)
			continue;
		memcpy(name, prefix[want[0]], dl);
		memcpy(name + dl, de->d_name, nlen + 1);
		if (ovm_tagv_pushn(out, name, dl + nlen, "", 0) < 0)
			rc = ovm_err_nomem(err);
	}
	closedir(d);
	return rc;
}

int
ovm_git_tag_target(struct ovm_oid *out, struct ovm_repo *r,
    const struct ovm_tag *t)
{
	char ref[4096];

	if (t->target.hex[0] != '\0') {
		*out = t->target;
		return 0;
	}
	/*
	 * A loose ref is an id and a newline: read it and peel it here (a
	 * release push may ask this of 20k loose tags; libgit2's lookup
	 * costs several times more).  Any other content goes to libgit2.
	 */
	if (snprintf(ref, sizeof(ref), "%srefs/tags/%s",
	    git_repository_commondir(r->repo), t->name) < (int)sizeof(ref)) {
		char buf[GIT_OID_HEXSZ + 2];
		git_oid id;
		ssize_t n = -1;
		int fd = open(ref, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf));
			close(fd);
		}
		if (n == GIT_OID_HEXSZ + 1 && buf[GIT_OID_HEXSZ] == '\n' &&
		    is_hex_id(buf) && git_oid_fromstrn(&id, buf,
		    GIT_OID_HEXSZ) == 0) {
			peel_hex(out, r, &id);
			return 0;
		}
	}
	snprintf(ref, sizeof(ref), "refs/tags/%s", t->name);
	if (ovm_git_ref_commit(out, r, ref, NULL) < 0)
		out->hex[0] = '\0';
	return 0;
}

/* The packed-refs file, mapped; .len 0 when there is none. */
struct packed_file {
	struct packed pk;
	void *map;
	int sorted, peeled;
};

static void
packed_open(struct packed_file *pf, struct ovm_repo *r)
{
	char path[4096];
	struct stat st;
	int fd;

	memset(pf, 0, sizeof(*pf));
	pf->map = MAP_FAILED;
	snprintf(path, sizeof(path), "%spacked-refs",
	    git_repository_commondir(r->repo));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
		pf->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (pf->map != MAP_FAILED) {
			pf->pk.buf = pf->map;
			pf->pk.len = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	if (pf->pk.len > 0 && pf->pk.buf[0] == '#') {
		size_t he = line_end(&pf->pk, 0);
		char header[512];

		snprintf(header, sizeof(header), "%.*s", (int)he, pf->pk.buf);
		pf->sorted = strstr(header, " sorted") != NULL;
		pf->peeled = strstr(header, " peeled") != NULL ||
		    strstr(header, " fully-peeled") != NULL;
	}
}

static void
packed_close(struct packed_file *pf)
{
	if (pf->map != MAP_FAILED)
		munmap(pf->map, pf->pk.len);
}

/* The first record at or after the first name >= full (sorted files). */
static size_t
packed_seek(const struct packed *pk, size_t pos, const char *full,
    size_t plen)
{
	size_t lo = pos, hi = pk->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, ls = mid, rec;

		while (ls > lo && pk->buf[ls - 1] != '\n')
			ls--;
		rec = next_record(pk, ls);
		if (rec >= hi) {
			hi = ls;
			continue;
		}
		if (record_cmp(pk, rec, full, plen) < 0)
			lo = next_record(pk, line_end(pk, rec));
		else
			hi = rec;
	}
	return lo;
}

/*
 * Packed tags under prefix not shadowed by a loose one (loose: sorted by
 * name), with their targets.
 */
static int
packed_tags(struct ovm_tagv *out, struct ovm_repo *r,
    const struct packed_file *pf, const char *prefix,
    const struct ovm_tagv *loose, struct ovm_err *err)
{
	const struct packed *pk = &pf->pk;
	char full[2048];
	size_t plen, pos, le = 0;
	int rc = 0;

	snprintf(full, sizeof(full), "refs/tags/%s", prefix);
	plen = strlen(full);
	pos = next_record(pk, 0);
	if (pf->sorted)
		pos = packed_seek(pk, pos, full, plen);
	for (; rc == 0 && pos < pk->len; pos = next_record(pk, le)) {
		const char *name = pk->buf + pos + GIT_OID_HEXSZ + 1, *hex;
		size_t nlen;
		struct ovm_oid target = { "" };
		char nm[2048];
		git_oid id;
		int c;

		le = line_end(pk, pos);
		c = record_cmp(pk, pos, full, plen);
		if (c != 0) {
			if (pf->sorted && c > 0)
				break;
			continue;
		}
		nlen = le - (pos + GIT_OID_HEXSZ + 1);
		while (nlen > 0 && (name[nlen - 1] == '\n' || name[nlen - 1] == '\r'))
			nlen--;
		if (nlen - 10 >= sizeof(nm))
			continue;
		memcpy(nm, name + 10, nlen - 10);
		nm[nlen - 10] = '\0';
		if (loose->n > 0 && ovm_tagv_find(loose, nm) != NULL)
			continue;
		/*
		 * The target: the peeled line of an annotated tag, or the id
		 * itself once the file says every tag is peeled.  Git writes
		 * lower-case hex, copied as it is; any other form goes through
		 * libgit2, which reads and normalises it.
		 */
		hex = pk->buf + pos;
		if (le < pk->len && pk->buf[le] == '^' &&
		    le + 1 + GIT_OID_HEXSZ <= pk->len)
			hex = pk->buf + le + 1;
		else if (!pf->peeled)
			hex = NULL;
		if (hex != NULL && is_hex_id(hex)) {
			rc = ovm_tagv_pushn(out, nm, nlen - 10, hex, GIT_OID_HEXSZ);
		} else {
			if (git_oid_fromstrn(&id, hex != NULL ? hex : pk->buf + pos,
			    GIT_OID_HEXSZ) < 0)
				continue;
			if (hex != NULL)
				og_oid_hex(&target, &id);
			else
				peel_hex(&target, r, &id);
			rc = ovm_tagv_push(out, nm, target.hex);
		}
		if (rc < 0)
			rc = ovm_err_nomem(err);
	}
	return rc;
}

int
ovm_git_tags_with_prefix(struct ovm_tagv *out, struct ovm_repo *r,
    const char *const *prefix, size_t n, struct ovm_err *err)
{
	struct ovm_tagv loose = { NULL, 0, 0 };
	struct packed_file pf;
	size_t i, j, nw, *want = calloc(n + 1, sizeof(*want));
	int rc = 0;

	if (want == NULL)
		return ovm_err_nomem(err);
	/* Each directory once, for all the prefixes in it. */
	for (i = 0; rc == 0 && i < n; i++) {
		size_t dl = dir_len(prefix[i]);

		for (j = 0; j < i; j++)
			if (dir_len(prefix[j]) == dl &&
			    strncmp(prefix[j], prefix[i], dl) == 0)
				break;
		if (j < i)
			continue;
		for (j = i, nw = 0; j < n; j++)
			if (dir_len(prefix[j]) == dl &&
			    strncmp(prefix[j], prefix[i], dl) == 0)
				want[nw++] = j;
		rc = loose_tags(&loose, r, prefix, want, nw, err);
	}
	free(want);
	if (rc < 0) {
		ovm_tagv_free(&loose);
		return rc;
	}
	packed_open(&pf, r);
	if (pf.pk.len > 0 && loose.n > 1)
		ovm_tagv_sort_unique(&loose);	/* packed ones it shadows */
	for (i = 0; rc == 0 && i < n; i++) {
		size_t li = strlen(prefix[i]);

		/* Not a range inside another one's (listed there). */
		for (j = 0; j < n; j++) {
			size_t lj = strlen(prefix[j]);

			if (j != i && (lj < li || (lj == li && j < i)) &&
			    strncmp(prefix[i], prefix[j], lj) == 0)
				break;
		}
		if (j == n)
			rc = packed_tags(out, r, &pf, prefix[i], &loose, err);
	}
	packed_close(&pf);
	if (rc == 0 && ovm_tagv_take(out, &loose) < 0)
		rc = ovm_err_nomem(err);
	ovm_tagv_free(&loose);
	return rc;
}
