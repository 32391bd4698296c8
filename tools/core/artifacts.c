// SPDX-License-Identifier: MIT
/* artifacts.c - see artifacts.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/artifacts.h"

int artifacts_run(const char *const *argv, char *ret_last, size_t size)
{
	int pipefd[2], status;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "oopsfarm: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	buf[0] = '\0';
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0) {
		char *nl;

		len += n;
		buf[len] = '\0';
		/* keep only the last complete line and what follows it */
		while ((nl = strchr(buf, '\n')) && nl[1]) {
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		if (len >= sizeof(buf) - 1)
			len = 0;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(ret_last, size, "%s", buf);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int artifacts_mkdir_p(const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static void read_line_file(const char *dir, const char *name, char *out, size_t size)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(out, size, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

int artifacts_variant(const struct campaign_variant *v, const char *init, const char *dir,
		      struct variant_artifacts *ret, char *err, size_t errsize)
{
	const char *bargv[CAMPAIGN_MAX_PATCHES + 2];
	char last[1024];
	int k = 0;

	memset(ret, 0, sizeof(*ret));
	bargv[k++] = ARTIFACTS_RECIPE "/build-kernel.sh";
	for (int p = 0; p < v->npatches; p++)
		bargv[k++] = v->patches[p];
	bargv[k] = NULL;
	if (v->kernel_src)
		setenv("KERNEL_SRC", v->kernel_src, 1);
	else
		unsetenv("KERNEL_SRC");
	if (artifacts_run(bargv, ret->kdir, sizeof(ret->kdir)) < 0 || !ret->kdir[0]) {
		snprintf(err, errsize, "building the kernel of variant '%s' failed", v->name);
		return -EIO;
	}
	snprintf(ret->image, sizeof(ret->image), "%s/Image", ret->kdir);
	read_line_file(ret->kdir, "build-id", ret->build_id, sizeof(ret->build_id));
	read_line_file(ret->kdir, "stamp", ret->stamp, sizeof(ret->stamp));
	read_line_file(ret->kdir, "VERSION", ret->version, sizeof(ret->version));
	for (int p = 0; p < v->npatches; p++)
		snprintf(ret->patches + strlen(ret->patches), sizeof(ret->patches) - strlen(ret->patches), "%s%s",
			 p ? " " : "", v->patches[p]);
	snprintf(ret->initrd, sizeof(ret->initrd), "%s/%s.cpio", dir, v->name);
	{
		const char *margv[] = { ARTIFACTS_RECIPE "/mkinitramfs.sh", ret->initrd, init, ret->kdir, NULL };

		if (artifacts_run(margv, last, sizeof(last)) < 0) {
			snprintf(err, errsize, "building the initramfs of variant '%s' failed", v->name);
			return -EIO;
		}
	}
	return 0;
}

int artifacts_setup_dtb(const struct campaign_setup *s, const char *dir, char *ret_dtb, size_t size,
			char *err, size_t errsize)
{
	char n[16], smp[16], mem[16], last[1024];
	const char *wargv[] = { ARTIFACTS_RECIPE "/widen-dtb.sh", ret_dtb, n, smp, mem, NULL };

	ret_dtb[0] = '\0';
	if (s->extra_nodes <= 0)
		return 0;
	snprintf(ret_dtb, size, "%s/%s.dtb", dir, s->name);
	snprintf(n, sizeof(n), "%d", s->extra_nodes);
	snprintf(smp, sizeof(smp), "%d", s->vcpus);
	snprintf(mem, sizeof(mem), "%d", s->memory_mb);
	if (artifacts_run(wargv, last, sizeof(last)) < 0) {
		snprintf(err, errsize, "building the device tree of setup '%s' failed", s->name);
		ret_dtb[0] = '\0';
		return -EIO;
	}
	return 0;
}
