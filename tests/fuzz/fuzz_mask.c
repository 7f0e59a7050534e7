/* Secrets in build logs: whatever a step prints, in whatever pieces the pipe
 * delivers it, no secret value reaches the log file or the screen unmasked.
 * Input: one byte (how many times the output repeats, so a line can outgrow
 * CI_CAPTURE_OVERLONG and take the spill path), the secret values (one per
 * line, as a multi-line key is masked), a NUL, then the step's output. A
 * value holding '*' is not checked: "***" next to text could spell it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ci/capture.h"
#include "util/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], log_path[96], times_path[96];

static void cleanup(void)
{
	unlink(log_path);
	unlink(times_path);
	rmdir(dir);
}

static void emit(void *ctx, const char *text, size_t len, size_t last_cut)
{
	(void)last_cut;
	sb_append(ctx, text, len);
}

static void check(const struct ci_mask *m, const char *text, size_t len)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strchr(m->values[i], '*') && memmem(text, len, m->values[i], strlen(m->values[i])))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep;
	struct ci_mask m = { 0 };
	struct ci_capture c;
	struct strbuf shown = { 0 };
	struct err err;
	char *secrets, *disk;
	size_t len, step, reps;
	int64_t now = 1000;

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/shipdeck-fuzz-mask-%ld", (long)getpid());
		if (mkdir(dir, 0700))
			abort();
		snprintf(log_path, sizeof log_path, "%s/step.log", dir);
		snprintf(times_path, sizeof times_path, "%s/step.times", dir);
		atexit(cleanup);
	}
	if (size < 2 || !(sep = memchr(data + 1, 0, size - 1)))
		return 0;
	reps = 1 + data[0] % 4;
	secrets = strndup((const char *)data + 1, (size_t)(sep - data - 1));
	ci_mask_add(&m, secrets);
	free(secrets);
	size -= (size_t)(sep + 1 - data);
	data = sep + 1;
	unlink(log_path);
	unlink(times_path);
	if (ci_capture_open(&c, log_path, times_path, &m, emit, &shown, &err))
		abort();
	step = 1 + size % 97;
	for (size_t r = 0; r < reps; r++)
		for (size_t off = 0; off < size; off += step, now += 7)
			ci_capture_feed(&c, (const char *)data + off, size - off < step ? size - off : step,
					now);
	ci_capture_close(&c, now);
	disk = file_read_all(log_path, &len, &err);
	if (!disk)
		abort();
	check(&m, disk, len);
	check(&m, shown.s ? shown.s : "", shown.len);
	free(disk);
	sb_free(&shown);
	ci_mask_free(&m);
	return 0;
}
