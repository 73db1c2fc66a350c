/*
 * The $GITHUB_OUTPUT writer: per track "<track>_<key>" (and, for a single
 * track, the bare keys), each as key<<DELIM / value / DELIM with a random
 * delimiter that does not occur in the value, so no value (a tag name, a
 * version from a file) can end the block early or add keys of its own.
 * Apart from the human and JSON printers (plan_out.c) so that the fuzz
 * target's coverage is measured over this writer alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "plan/plan.h"
#include "util/util.h"

static int
random_delim(char *buf, size_t size)
{
	unsigned char raw[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0 || read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(buf, size, "ovm_delim_");
	for (i = 0; i < sizeof(raw); i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%02x", raw[i]);
	return 0;
}

/* key<<DELIM / value / DELIM, with a delimiter absent from the value. */
static int
write_key(FILE *f, const char *prefix, const char *key, const char *value)
{
	char delim[64];
	int tries = 0;

	do {
		if (random_delim(delim, sizeof(delim)) < 0 || ++tries > 8)
			return OVM_EIO;
	} while (strstr(value, delim) != NULL);
	fprintf(f, "%s%s<<%s\n%s\n%s\n", prefix, key, delim, value, delim);
	return ferror(f) ? OVM_EIO : 0;
}

static int
write_track_keys(FILE *f, const struct ovm_plan_track *t, const char *prefix)
{
	struct ovm_buf tags = OVM_BUF_INIT;
	size_t j;
	int rc = 0;

	for (j = 0; j < t->n_tags; j++)
		if (ovm_buf_printf(&tags, "%s%s", j ? " " : "", t->tags[j].name) < 0)
			rc = OVM_ENOMEM;
	if (rc == 0)
		rc = write_key(f, prefix, "should_push",
		    t->decision == OVM_DEC_RELEASE && t->exit_code == 0 ?
		    "true" : "false");
	if (rc == 0)
		rc = write_key(f, prefix, "decision", ovm_plan_decision_text(t));
	if (rc == 0)
		rc = write_key(f, prefix, "reason", ovm_plan_reason_text(t));
	if (rc == 0)
		rc = write_key(f, prefix, "result", ovm_result_name(t->result));
	if (rc == 0)
		rc = write_key(f, prefix, "version", t->version ? t->version : "");
	if (rc == 0)
		rc = write_key(f, prefix, "previous_version",
		    t->previous ? t->previous : "");
	if (rc == 0)
		rc = write_key(f, prefix, "package_version",
		    t->package_version ? t->package_version : "");
	if (rc == 0)
		rc = write_key(f, prefix, "image_ref",
		    t->image_ref ? t->image_ref : "");
	if (rc == 0)
		rc = write_key(f, prefix, "tag", t->n_tags > 0 ?
		    t->tags[0].name : "");
	if (rc == 0)
		rc = write_key(f, prefix, "tags", tags.ptr != NULL ? tags.ptr : "");
	ovm_buf_free(&tags);
	return rc;
}

int
ovm_plan_write_github_output(FILE *f, const struct ovm_plan *p,
    int single_track, struct ovm_err *err)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->n_tracks; i++) {
		char prefix[256];

		snprintf(prefix, sizeof(prefix), "%s_", p->tracks[i].cfg->name);
		for (k = 0; prefix[k] != '\0'; k++)
			if (prefix[k] == '-')
				prefix[k] = '_';
		rc = write_track_keys(f, &p->tracks[i], prefix);
	}
	if (rc == 0 && single_track && p->n_tracks == 1)
		rc = write_track_keys(f, &p->tracks[0], "");
	if (rc < 0)
		return ovm_err_set(err, OVM_EIO, "cannot write $GITHUB_OUTPUT");
	return 0;
}

static int
github_file_error(struct ovm_err *err, const char *var, const char *path,
    const char *what, int errnum)
{
	ovm_err_set(err, OVM_EIO, "cannot %s $%s ('%s'): %s", what, var, path,
	    strerror(errnum));
	return ovm_err_hint(err, "point %s at a writable file (GitHub Actions "
	    "sets it), or unset it outside Actions", var);
}

int
ovm_github_files_check(struct ovm_err *err)
{
	static const char *const vars[] = { "GITHUB_OUTPUT",
	    "GITHUB_STEP_SUMMARY" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *path = getenv(vars[i]);
		int fd;

		if (path == NULL || path[0] == '\0')
			continue;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return github_file_error(err, vars[i], path, "open", errno);
		close(fd);
	}
	return 0;
}

/* $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY are appended to, never replaced. */
int
ovm_github_files(const struct ovm_plan *p, int single_track,
    struct ovm_err *err)
{
	const char *out = getenv("GITHUB_OUTPUT");
	const char *sum = getenv("GITHUB_STEP_SUMMARY");
	FILE *f;
	int rc = 0;

	if (out != NULL && out[0] != '\0') {
		f = fopen(out, "a");
		if (f == NULL)
			return github_file_error(err, "GITHUB_OUTPUT", out, "open",
			    errno);
		rc = ovm_plan_write_github_output(f, p, single_track, err);
		if (fclose(f) != 0 && rc == 0)
			rc = github_file_error(err, "GITHUB_OUTPUT", out, "write",
			    errno);
		if (rc < 0)
			return rc;
	}
	if (sum != NULL && sum[0] != '\0') {
		f = fopen(sum, "a");
		if (f == NULL)
			return github_file_error(err, "GITHUB_STEP_SUMMARY", sum,
			    "open", errno);
		rc = ovm_plan_write_step_summary(f, p);
		if (fclose(f) != 0 || rc < 0)
			return github_file_error(err, "GITHUB_STEP_SUMMARY", sum,
			    "write", errno != 0 ? errno : EIO);
	}
	return 0;
}
