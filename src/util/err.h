/* Errors a person can act on.
 *
 * A function that can fail returns -1 (or NULL) and fills a caller-owned
 * struct err with one line naming the file, field, URL or object to fix:
 *   "kubeconfig /home/a/.kube/config: context 'prod' not found"
 */
#ifndef SHIPDECK_UTIL_ERR_H
#define SHIPDECK_UTIL_ERR_H

#include <stdarg.h>

struct err {
	char msg[1024];
};

/* Sets the message (if err is non-NULL) and returns -1, so callers can write
 * `return err_set(err, "...")`. */
int err_set(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int err_setv(struct err *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Puts "prefix: " in front of the current message. Returns -1. */
int err_prefix(struct err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct err *err);

#endif
