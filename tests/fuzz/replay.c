/* Replays fuzz corpora without libFuzzer: each argument is a file or a folder
 * of files fed once to the target. CI runs this (with the sanitizers) so a
 * crash once found stays fixed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	size_t len;
	struct err err;
	char *data = file_read_all(path, &len, &err);

	if (!data) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			failed |= run_file(argv[i]);
			runs++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			char *p;

			if (e->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s/%s", argv[i], e->d_name) < 0)
				return 1;
			failed |= run_file(p);
			runs++;
			free(p);
		}
		if (d)
			closedir(d);
	}
	printf("1..1\n%s 1 - replayed %d inputs\n", failed ? "not ok" : "ok", runs);
	return failed;
}
