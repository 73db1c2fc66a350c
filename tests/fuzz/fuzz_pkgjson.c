/*
 * package.json / package-lock.json: read + rewrite.  Properties when the
 * version can be read:
 * - ovm_pkgjson_set_version(x, "9.9.9") succeeds and reads back "9.9.9";
 * - every byte outside the value token is unchanged (the token itself
 *   becomes exactly "9.9.9" with its quotes);
 * - setting the old version back gives the original bytes when the old
 *   token was spelled without escapes.
 * The lockfile writer must give back the version at each root location
 * it changed, and an exact copy when it changed none.
 */
#include "fuzz.h"

#include "core/pkgjson.h"

#define NEWV "9.9.9"

static void
check_lock(const char *buf, size_t len)
{
	struct ovm_err err = OVM_ERR_INIT;
	char *out = NULL, *ver = NULL;
	size_t out_len = 0;
	int changed = -1, rc;

	rc = ovm_npmlock_set_version(&out, &out_len, &changed, buf, len, NEWV,
	    "package-lock.json", &err);
	FZ_CHECK(rc == 0 || rc == OVM_EINPUT || rc == OVM_ENOMEM, "rc %d", rc);
	if (rc == 0) {
		FZ_CHECK(out != NULL && out[out_len] == '\0', "not terminated");
		if (changed == 0)
			FZ_CHECK(out_len == len && memcmp(out, buf, len) == 0,
			    "nothing changed but bytes differ");
		rc = ovm_npmlock_version(&ver, out, out_len, "out", &err);
		FZ_CHECK(rc == 0, "rewritten lockfile unreadable: %s", err.msg);
		/* the top-level one, when there is one (v2/v3 may have
		 * only packages[""].version) */
		if (changed > 0 && ver != NULL)
			FZ_CHECK(strcmp(ver, NEWV) == 0,
			    "lock root version '%s'", ver ? ver : "(null)");
	}
	free(out);
	free(ver);
}

/* No escapes, no non-ASCII: the writer would spell it the same way. */
static int
printable_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '\\' || s[i] == '"')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ovm_err err = OVM_ERR_INIT;
	struct ovm_pkgjson_loc loc;
	char *old = NULL, *out = NULL, *ver = NULL, *back = NULL;
	size_t out_len = 0, back_len = 0;
	int rc;

	rc = ovm_pkgjson_version_loc(&old, &loc, buf, size, "package.json",
	    &err);
	FZ_CHECK(rc == 0 || rc == OVM_EINPUT || rc == OVM_ENOMEM, "rc %d", rc);
	if (rc != 0) {
		FZ_CHECK(err.msg[0] != '\0', "error without a message");
		/* A file whose version cannot be read cannot be rewritten. */
		rc = ovm_pkgjson_set_version(&out, &out_len, buf, size, NEWV,
		    "package.json", &err);
		FZ_CHECK(rc < 0, "set_version accepted an unreadable file");
		goto lock;
	}
	FZ_CHECK(loc.off < size && loc.len >= 2 && loc.off + loc.len <= size,
	    "loc %zu+%zu of %zu", loc.off, loc.len, size);
	FZ_CHECK(buf[loc.off] == '"' && buf[loc.off + loc.len - 1] == '"',
	    "loc not on a string token");

	rc = ovm_pkgjson_set_version(&out, &out_len, buf, size, NEWV,
	    "package.json", &err);
	FZ_CHECK(rc == 0, "readable file not rewritable: %s", err.msg);
	FZ_CHECK(out_len == size - loc.len + strlen(NEWV) + 2,
	    "length %zu", out_len);
	FZ_CHECK(memcmp(out, buf, loc.off) == 0, "bytes before token changed");
	FZ_CHECK(memcmp(out + loc.off, "\"" NEWV "\"", strlen(NEWV) + 2) == 0,
	    "token is not \"" NEWV "\"");
	FZ_CHECK(memcmp(out + loc.off + strlen(NEWV) + 2, buf + loc.off +
	    loc.len, size - loc.off - loc.len) == 0, "bytes after token changed");

	rc = ovm_pkgjson_version(&ver, out, out_len, "out", &err);
	FZ_CHECK(rc == 0 && strcmp(ver, NEWV) == 0, "read back '%s' (%s)",
	    ver ? ver : "(null)", err.msg);

	/* Round trip back to the old value. */
	if (printable_ascii(buf + loc.off + 1, loc.len - 2) &&
	    strlen(old) == loc.len - 2) {
		rc = ovm_pkgjson_set_version(&back, &back_len, out, out_len, old,
		    "out", &err);
		if (rc == 0)
			FZ_CHECK(back_len == size && memcmp(back, buf, size) == 0,
			    "setting '%s' back does not restore the file", old);
	}
lock:
	check_lock(buf, size);
	free(old);
	free(out);
	free(ver);
	free(back);
	return 0;
}
