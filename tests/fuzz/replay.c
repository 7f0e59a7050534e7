/* Runs a libFuzzer target over files and folders of inputs, without
 * libFuzzer: the seed corpora replayed in every `meson test`, and any crash
 * file replayed by hand. Prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static void run_file(const char *path)
{
	struct err err;
	size_t len;
	char *data = file_read_all(path, &len, &err);

	if (!data) {
		printf("not ok %d - %s\n", ++count, err.msg);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	printf("ok %d - %s\n", ++count, path);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;

		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			run_file(argv[i]);
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			names = realloc(names, (n + 1) * sizeof *names);
			if (!names || asprintf(&names[n], "%s/%s", argv[i], e->d_name) < 0)
				abort();
			n++;
		}
		if (d)
			closedir(d);
		qsort(names, n, sizeof *names, cmp);
		for (size_t j = 0; j < n; j++) {
			run_file(names[j]);
			free(names[j]);
		}
		free(names);
	}
	printf("1..%d\n", count);
	return 0;
}
