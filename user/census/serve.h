/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * /metrics and /healthz over HTTP, served by libmicrohttpd from its own thread. The
 * thread only hands out the last published exposition (a reference-counted buffer): a
 * slow, stuck or malformed client costs that thread a connection slot until its timeout,
 * never the counting loop, which only swaps a pointer under a mutex.
 */
#ifndef SC_SERVE_H
#define SC_SERVE_H

#include <stddef.h>

#define SC_SERVE_CONNECTIONS	32	/* connections at once, all clients */
#define SC_SERVE_PER_IP		8	/* connections at once from one address */
#define SC_SERVE_TIMEOUT_S	10	/* an idle or slow connection is closed after this */
#define SC_SERVE_REQUEST_MEM	16384	/* bytes for a request's line and headers */

struct sc_server;

/*
 * Listen on @addr: "HOST:PORT", "[IPV6]:PORT" or ":PORT" (every address, IPv6 and IPv4).
 * /healthz answers 503 when nothing was published for @stale_s seconds. NULL after
 * saying why, naming option @opt.
 */
struct sc_server *server__start(const char *opt, const char *addr, unsigned stale_s);
/*
 * The same in two steps: bind now (before the agent loads anything, and while it may
 * still create any socket and bind any port), serve from server__run() (after it confined
 * itself, so that the server's thread is confined too). server__run: 0, or -EIO after
 * saying why; server__stop() frees @s either way.
 */
struct sc_server *server__bind(const char *opt, const char *addr, unsigned stale_s);
int server__run(struct sc_server *s, const char *opt, const char *addr);
/* The exposition /metrics answers from now on (@data taken over, malloc'd). */
void server__publish(struct sc_server *s, char *data, size_t len);
/* The port listened on (for ":0"). */
unsigned server__port(const struct sc_server *s);
void server__stop(struct sc_server *s);

/* Whether @addr has the form above (for the options). 0, or -EINVAL after saying why. */
int server__check_addr(const char *opt, const char *addr);

#endif
