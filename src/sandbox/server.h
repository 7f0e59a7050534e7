/* The HTTP(S) front: libmicrohttpd with a thread per connection, bearer
 * token checks, and the request log. */
#ifndef SHIPDECK_SANDBOX_SERVER_H
#define SHIPDECK_SANDBOX_SERVER_H

#include "sandbox/sandbox.h"
#include "sandbox/tls.h"
#include "util/err.h"

struct server;

/* Listens on 127.0.0.1:port (0: any free port) and serves until
 * server_stop(). tls NULL: plain HTTP. sb->port gets the bound port. */
struct server *server_start(struct sandbox *sb, const struct tls_material *tls, struct err *err);
/* Stops accepting, ends streams (sb->stopping must be set) and joins. */
void server_stop(struct server *s);

#endif
