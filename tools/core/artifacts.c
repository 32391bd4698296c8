// SPDX-License-Identifier: MIT
/* artifacts.c - see artifacts.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/artifacts.h"

extern char **environ;

/* Our environment with set applied (see artifacts_run), malloc'd; the
 * strings stay environ's and set's. */
static char **env_with(const char *const *set)
{
	size_t n = 0, m = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (set && set[m])
		m++;
	env = calloc(n + m + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(environ[i], "=");
		bool replaced = false;

		for (size_t j = 0; j < m && !replaced; j++)
			replaced = strcspn(set[j], "=") == len && !strncmp(set[j], environ[i], len);
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		if (strchr(set[j], '='))
			env[k++] = (char *)set[j];
	return env;
}

int artifacts_run(const char *const *argv, const char *const *set, char *ret_last, size_t size)
{
	int pipefd[2], status;
	char buf[4096], **env = env_with(set);
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (!env)
		return -ENOMEM;
	if (pipe(pipefd) < 0) {
		free(env);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		free(env);
		return r;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execvpe(argv[0], (char *const *)argv, env);
		fprintf(stderr, "oopsfarm: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	free(env);
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

int artifacts_variant(const char *recipe, const struct campaign_variant *v, const char *init, const char *dir,
		      struct variant_artifacts *ret, char *err, size_t errsize)
{
	const char *bargv[CAMPAIGN_MAX_PATCHES + 2], *set[2] = {"KERNEL_SRC", NULL};
	char last[1024], *script = NULL, *ksrc = NULL;
	int k = 0, r;

	memset(ret, 0, sizeof(*ret));
	if (asprintf(&script, "%s/build-kernel.sh", recipe) < 0)
		script = NULL;
	if (v->kernel_src && asprintf(&ksrc, "KERNEL_SRC=%s", v->kernel_src) < 0)
		ksrc = NULL;
	if (!script || (v->kernel_src && !ksrc)) {
		free(script);
		free(ksrc);
		snprintf(err, errsize, "building the kernel of variant '%s': out of memory", v->name);
		return -ENOMEM;
	}
	if (ksrc)
		set[0] = ksrc;
	bargv[k++] = script;
	for (int p = 0; p < v->npatches; p++)
		bargv[k++] = v->patches[p];
	bargv[k] = NULL;
	r = artifacts_run(bargv, set, ret->kdir, sizeof(ret->kdir));
	free(script);
	free(ksrc);
	if (r < 0 || !ret->kdir[0]) {
		snprintf(err, errsize, "building the kernel of variant '%s' failed", v->name);
		return -EIO;
	}
	snprintf(ret->image, sizeof(ret->image), "%s/Image", ret->kdir);
	read_line_file(ret->kdir, "build-id", ret->build_id, sizeof(ret->build_id));
	read_line_file(ret->kdir, "stamp", ret->stamp, sizeof(ret->stamp));
	read_line_file(ret->kdir, "VERSION", ret->version, sizeof(ret->version));
	for (int p = 0; p < v->npatches; p++)
		snprintf(ret->patches + strlen(ret->patches), sizeof(ret->patches) - strlen(ret->patches),
			 "%s%s", p ? " " : "", v->patches[p]);
	snprintf(ret->initrd, sizeof(ret->initrd), "%s/%s.cpio", dir, v->name);
	{
		char mk[1100];
		const char *margv[] = {mk, ret->initrd, init, ret->kdir, NULL};

		snprintf(mk, sizeof(mk), "%s/mkinitramfs.sh", recipe);
		if (artifacts_run(margv, NULL, last, sizeof(last)) < 0) {
			snprintf(err, errsize, "building the initramfs of variant '%s' failed", v->name);
			return -EIO;
		}
	}
	return 0;
}

int artifacts_setup_dtb(const char *recipe, const struct campaign_setup *s, const char *dir, bool always,
			char *ret_dtb, size_t size, char *err, size_t errsize)
{
	char n[16], smp[16], mem[16], last[1024], script[1100];
	const char *wargv[] = {script, ret_dtb, n, smp, mem, NULL};

	ret_dtb[0] = '\0';
	if (s->extra_nodes <= 0 && !always)
		return 0;
	snprintf(ret_dtb, size, "%s/%s.dtb", dir, s->name);
	snprintf(n, sizeof(n), "%d", s->extra_nodes > 0 ? s->extra_nodes : 0);
	snprintf(smp, sizeof(smp), "%d", s->vcpus);
	snprintf(mem, sizeof(mem), "%d", s->memory_mb);
	snprintf(script, sizeof(script), "%s/widen-dtb.sh", recipe);
	if (artifacts_run(wargv, NULL, last, sizeof(last)) < 0) {
		snprintf(err, errsize, "building the device tree of setup '%s' failed", s->name);
		ret_dtb[0] = '\0';
		return -EIO;
	}
	return 0;
}
