/*
 * ovm-release install-hook [--uninstall] [--force]: installs
 * hooks/post-commit into the repository's hooks directory (core.hooksPath
 * honoured; linked worktrees share it).  An existing post-commit hook is
 * kept and chained (it still runs, after ours, with OVM_RELEASE_ACTIVE=1),
 * never overwritten unless --force; --uninstall restores it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "cli/cli.h"
#include "plan/load.h"
#include "util/util.h"

#define MARKER "# ovm-release-hook: 1"
#define CHAINED "post-commit.ovm-release-chained"
#define SAVED "post-commit.ovm-release-saved"

/* hooks/post-commit, embedded at build time. */
static const char hook_text[] =
#include "hook_text.h"
;

static int
is_ours(const char *path)
{
	char *buf = NULL;
	size_t len;
	int ours;

	if (ovm_read_file(&buf, &len, path, NULL) < 0)
		return 0;
	ours = strstr(buf, MARKER) != NULL;
	free(buf);
	return ours;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
install(const char *dir, int force, struct ovm_err *err)
{
	char hook[4096], chained[4096], saved[4096];
	int rc;

	snprintf(hook, sizeof(hook), "%s/post-commit", dir);
	snprintf(chained, sizeof(chained), "%s/" CHAINED, dir);
	snprintf(saved, sizeof(saved), "%s/" SAVED, dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ovm_err_set(err, OVM_EIO, "cannot create '%s': %s", dir,
		    strerror(errno));
	if (exists(hook) && is_ours(hook)) {
		printf("ovm-release: the post-commit hook is already installed in "
		    "%s\n", dir);
		return 0;
	}
	if (exists(hook)) {
		/* Kept: chained (it still runs), or with --force set aside. */
		const char *to = force ? saved : chained;

		if (exists(chained) || exists(saved))
			return ovm_err_set(err, OVM_EINPUT, "'%s' already exists: "
			    "refusing to overwrite a saved hook", exists(chained) ?
			    chained : saved);
		if (rename(hook, to) < 0)
			return ovm_err_set(err, OVM_EIO, "cannot move '%s': %s",
			    hook, strerror(errno));
		printf("ovm-release: the existing post-commit hook %s %s\n",
		    force ? "was set aside as" : "is chained as", to);
	}
	rc = ovm_write_atomic(hook, hook_text, sizeof(hook_text) - 1, err);
	if (rc == 0 && chmod(hook, 0755) < 0)
		rc = ovm_err_set(err, OVM_EIO, "cannot chmod '%s': %s", hook,
		    strerror(errno));
	if (rc == 0)
		printf("ovm-release: installed %s\n", hook);
	return rc;
}

static int
uninstall(const char *dir, struct ovm_err *err)
{
	char hook[4096], chained[4096], saved[4096];

	snprintf(hook, sizeof(hook), "%s/post-commit", dir);
	snprintf(chained, sizeof(chained), "%s/" CHAINED, dir);
	snprintf(saved, sizeof(saved), "%s/" SAVED, dir);
	if (!exists(hook) || !is_ours(hook)) {
		printf("ovm-release: no ovm-release post-commit hook in %s\n", dir);
		return 0;
	}
	if (unlink(hook) < 0)
		return ovm_err_set(err, OVM_EIO, "cannot remove '%s': %s", hook,
		    strerror(errno));
	if ((exists(chained) && rename(chained, hook) < 0) ||
	    (!exists(hook) && exists(saved) && rename(saved, hook) < 0))
		return ovm_err_set(err, OVM_EIO, "cannot restore '%s': %s", hook,
		    strerror(errno));
	printf("ovm-release: removed the post-commit hook%s\n",
	    exists(hook) ? "; the previous one is back" : "");
	return 0;
}

int
cmd_install_hook(const struct ovm_opts *o)
{
	struct ovm_repo *repo = NULL;
	struct ovm_err err = OVM_ERR_INIT;
	char *dir = NULL;
	int rc;

	rc = ovm_open_repo(&repo, o->repo, &err);
	if (rc == 0)
		rc = ovm_git_hooks_dir(&dir, repo, &err);
	if (rc == 0)
		rc = o->uninstall ? uninstall(dir, &err) :
		    install(dir, o->force, &err);
	free(dir);
	ovm_git_close(repo);
	return rc < 0 ? ovm_cli_error(&err) : 0;
}
