/*
 * Object ids and ref names as git checks them (refs.c
 * check_refname_component, git check-ref-format --branch).
 */
#include <stdlib.h>
#include <string.h>

#include "core/refname.h"
#include "util/util.h"

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

int
ovm_oid_is_valid(const char *hex)
{
	size_t i, n;

	if (hex == NULL)
		return 0;
	n = strlen(hex);
	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_hex((unsigned char)hex[i]))
			return 0;
	return 1;
}

int
ovm_oid_is_zero(const char *hex)
{
	size_t n;

	if (hex == NULL)
		return 0;
	n = strspn(hex, "0");
	return (n == 40 || n == 64) && hex[n] == '\0';
}

char *
ovm_oid_dup(const char *hex)
{
	char *p = strdup(hex);
	char *q;

	for (q = p; q != NULL && *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + ('a' - 'A'));
	return p;
}

/* git's check_refname_component(): one path component of a ref name. */
static int
ref_component_ok(const char *c, size_t n)
{
	size_t i;

	if (n == 0 || c[0] == '.')
		return 0;
	if (n >= 5 && memcmp(c + n - 5, ".lock", 5) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];

		if (ch < 0x20 || ch == 0x7f || strchr(" ~^:?*[\\", ch) != NULL)
			return 0;
		if (i > 0 && ch == '.' && c[i - 1] == '.')
			return 0;
		if (i > 0 && ch == '{' && c[i - 1] == '@')
			return 0;
	}
	return 1;
}

int
ovm_refname_is_valid(const char *refname)
{
	const char *p, *slash;
	size_t n;
	int parts = 0;

	if (refname == NULL || *refname == '\0' || strcmp(refname, "@") == 0)
		return 0;
	n = strlen(refname);
	if (refname[n - 1] == '.')
		return 0;
	for (p = refname;; p = slash + 1) {
		slash = strchr(p, '/');
		if (!ref_component_ok(p, slash ? (size_t)(slash - p) : strlen(p)))
			return 0;
		parts++;
		if (slash == NULL)
			break;
	}
	return parts >= 2;
}

int
ovm_branch_name_check(const char *name, struct ovm_err *err)
{
	char q[160];
	char *full = NULL;
	int ok;

	if (name == NULL || *name == '\0')
		return ovm_err_set(err, OVM_EINPUT, "the branch name is empty");
	if (name[0] == '-' || strcmp(name, "HEAD") == 0)
		ok = 0;
	else {
		full = malloc(strlen(name) + sizeof("refs/heads/"));
		if (full == NULL)
			return ovm_err_nomem(err);
		strcpy(full, "refs/heads/");
		strcat(full, name);
		ok = ovm_refname_is_valid(full);
		free(full);
	}
	if (ok)
		return 0;
	ovm_err_set(err, OVM_EINPUT, "'%s' is not a valid branch name",
	    ovm_quote(q, sizeof(q), name));
	return ovm_err_hint(err, "see git check-ref-format: no spaces, '..', "
	    "'~^:?*[\\', control characters, '@{', a leading '-' or '.', "
	    "a trailing '/', '.' or '.lock'");
}
