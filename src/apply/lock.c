#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/lock.h"
#include "util/util.h"

static int
pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static int
try_create(struct ovm_lock *l)
{
	char buf[32];
	int fd, n;

	fd = open(l->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		unlink(l->path);
		errno = EIO;
		return -1;
	}
	close(fd);
	l->held = 1;
	return 0;
}

int
ovm_lock_acquire(struct ovm_lock *l, const char *commondir, struct ovm_err *err)
{
	char buf[64];
	long pid = 0;
	ssize_t n;
	int fd;

	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s%sovm-release.lock", commondir,
	    commondir[0] && commondir[strlen(commondir) - 1] == '/' ? "" : "/");
	if (try_create(l) == 0)
		return 0;
	if (errno != EEXIST)
		return ovm_err_set(err, OVM_EENV, "cannot create '%s': %s",
		    l->path, strerror(errno));
	fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			pid = strtol(buf, NULL, 10);
		}
	}
	if (pid_alive((pid_t)pid)) {
		ovm_err_set(err, OVM_EENV,
		    "another ovm-release run (pid %ld) holds '%s'", pid, l->path);
		return ovm_err_hint(err, "wait for it to finish; remove the file "
		    "only if no such process runs");
	}
	/* Stale: its process is gone.  Reclaim it. */
	if (unlink(l->path) < 0 && errno != ENOENT)
		return ovm_err_set(err, OVM_EENV, "cannot remove stale '%s': %s",
		    l->path, strerror(errno));
	if (try_create(l) < 0)
		return ovm_err_set(err, OVM_EENV, "cannot create '%s': %s",
		    l->path, strerror(errno));
	l->reclaimed_from = pid > 0 ? (pid_t)pid : -1;
	return 0;
}

void
ovm_lock_release(struct ovm_lock *l)
{
	if (l != NULL && l->held) {
		unlink(l->path);
		l->held = 0;
	}
}

static const struct ovm_lock *wd_lock;
static char wd_message[512];

static void
on_alarm(int sig)
{
	(void)sig;
	if (wd_lock != NULL && wd_lock->held)
		unlink(wd_lock->path);
	(void)!write(STDERR_FILENO, wd_message, strlen(wd_message));
	_exit(3);
}

void
ovm_watchdog(unsigned seconds, const struct ovm_lock *l, const char *message)
{
	struct sigaction sa;

	if (seconds == 0) {
		alarm(0);
		return;
	}
	wd_lock = l;
	snprintf(wd_message, sizeof(wd_message),
	    "ovm-release: error: %s: no answer within %u s\n", message, seconds);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

static const struct ovm_lock *cpu_lock;
static char cpu_message[512];
static int cpu_exit;

static void
on_xcpu(int sig)
{
	(void)sig;
	if (cpu_lock != NULL && cpu_lock->held)
		unlink(cpu_lock->path);
	(void)!write(STDERR_FILENO, cpu_message, strlen(cpu_message));
	_exit(cpu_exit);
}

void
ovm_cpu_limit(unsigned seconds, const struct ovm_lock *l, const char *message,
    int exit_code)
{
	const char *env = getenv("OVM_RELEASE_CPU_LIMIT");
	struct sigaction sa;
	struct rlimit rl;
	long v = 0;

	if (ovm_parse_count(&v, env, 1, 86400) == 0)
		seconds = (unsigned)v;
	cpu_lock = l;
	cpu_exit = exit_code;
	snprintf(cpu_message, sizeof(cpu_message), "%s after %u s of CPU time "
	    "(a corrupt object in the repository? try 'git fsck')\n", message,
	    seconds);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_xcpu;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGXCPU, &sa, NULL);
	if (getrlimit(RLIMIT_CPU, &rl) == 0 && (rl.rlim_max == RLIM_INFINITY ||
	    rl.rlim_max > seconds)) {
		rl.rlim_cur = seconds;
		setrlimit(RLIMIT_CPU, &rl);
	}
}
