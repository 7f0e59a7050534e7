/* Files and the XDG folders shipdeck keeps its things in. */
#ifndef SHIPDECK_UTIL_FILE_H
#define SHIPDECK_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Reads a whole file; the caller frees. NULL with "path: reason" on error.
 * The result is NUL-terminated (len excludes the NUL). */
char *file_read_all(const char *path, size_t *len, struct err *err);

/* write() until all of data is written (or an error other than EINTR). */
int file_write_full(int fd, const void *data, size_t len);

/* Writes data to path crash-safe: a temp file beside it, fsync, rename, fsync
 * of the folder. A reader sees the old content or the new, never a mix. */
int file_write_atomic(const char *path, const void *data, size_t len, struct err *err);

/* Appends one record with a single write() and fsync()s it: a crash leaves the
 * record whole or absent. */
int file_append_sync(const char *path, const void *data, size_t len, struct err *err);

/* mkdir -p with mode 0700 for new folders. */
int file_mkdirs(const char *path, struct err *err);

bool file_exists(const char *path);

/* Base folders: $XDG_x_HOME or the default under $HOME. Caller frees. */
char *xdg_config_home(void);
char *xdg_state_home(void);
char *xdg_cache_home(void);

/* "<base>/shipdeck/<rel>"; caller frees. */
char *xdg_config_path(const char *rel);
char *xdg_state_path(const char *rel);
char *xdg_cache_path(const char *rel);

/* ~/ expanded against $HOME; caller frees. */
char *path_expand_home(const char *path);

#endif
