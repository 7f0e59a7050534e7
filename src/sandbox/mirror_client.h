/* --traffic-only: the HTTP(S) client that keeps the mirror (mirror.h) in
 * step with a cluster named by a kubeconfig's current context: its server,
 * CA (certificate-authority-data or a file, or insecure-skip-tls-verify),
 * and a bearer token (or tokenFile, re-read at every request), basic auth or
 * a client certificate and key. Exec credential plugins are refused.
 *
 * One thread per kind, as client-go's reflector: list (paged), then watch
 * from the list's resourceVersion with bookmarks; a watch the server ends is
 * opened again from the last resourceVersion; a 410 relists at once; a broken
 * stream, an error answer or a silent connection (no byte for 150 s) backs off
 * (0.5 s doubling to 8 s) and relists. Every request is a GET: the cluster
 * is never written to. */
#ifndef SHIPDECK_SANDBOX_MIRROR_CLIENT_H
#define SHIPDECK_SANDBOX_MIRROR_CLIENT_H

#include "sandbox/sandbox.h"
#include "util/err.h"

struct mirror;

/* Reads the kubeconfig and lists every kind once, so that a wrong server,
 * CA or credential is an error here (naming the file, field or URL), then
 * starts the threads. A user who may not list cluster-wide (403) gets the
 * context's namespace alone, when the context names one. A SIGTERM, SIGINT
 * or SIGHUP pending (main blocks them) ends the first lists. curl_global_init
 * must have been called. */
struct mirror *mirror_start(struct sandbox *sb, const char *kubeconfig, struct err *err);
/* Stops the threads (within about a second) and frees; NULL is fine. */
void mirror_stop(struct mirror *m);

#endif
