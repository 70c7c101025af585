// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The metrics endpoint. libmicrohttpd does the HTTP (request parsing, keep-alive,
 * timeouts, connection limits): a well-kept server is safer than a hand-written one in
 * a process with CAP_BPF. What is ours: the routes, and handing out the published
 * exposition without copying it.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "census/serve.h"
#include "lib/util.h"

struct snapshot {
	char *data;
	size_t len;
	unsigned refs;		/* under the server's lock */
	struct sc_server *srv;
};

struct sc_server {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	struct snapshot *cur;
	struct timespec published;	/* monotonic */
	unsigned stale_s;
	unsigned port;
	int fd;			/* the listening socket, until the daemon takes it over */
};

static void snapshot_put(struct sc_server *s, struct snapshot *x)
{
	bool last;

	if (!x)
		return;
	pthread_mutex_lock(&s->lock);
	last = --x->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last) {
		free(x->data);
		free(x);
	}
}

static void response_done(void *cls)
{
	struct snapshot *x = cls;

	snapshot_put(x->srv, x);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result metrics(struct sc_server *s, struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	struct snapshot *x;
	enum MHD_Result ret;

	pthread_mutex_lock(&s->lock);
	x = s->cur;
	if (x)
		x->refs++;
	pthread_mutex_unlock(&s->lock);
	if (!x)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "no census yet\n");
	r = MHD_create_response_from_buffer_with_free_callback_cls(x->len, x->data, response_done, x);
	if (!r) {
		snapshot_put(s, x);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result healthz(struct sc_server *s, struct MHD_Connection *conn)
{
	static __thread char text[128];
	struct timespec now;
	long age;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&s->lock);
	age = s->cur ? (long)(now.tv_sec - s->published.tv_sec) : -1;
	pthread_mutex_unlock(&s->lock);
	if (age >= 0 && age <= (long)s->stale_s)
		return reply(conn, MHD_HTTP_OK, "ok\n");
	if (age < 0)
		snprintf(text, sizeof(text), "starting: no census folded yet\n");
	else
		snprintf(text, sizeof(text), "stale: the counters were last folded %ld s ago (limit %u s)\n", age,
			 s->stale_s);
	/* MHD_RESPMEM_MUST_COPY: the text is this thread's and changes */
	{
		struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
		enum MHD_Result ret;

		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
		ret = MHD_queue_response(conn, MHD_HTTP_SERVICE_UNAVAILABLE, r);
		MHD_destroy_response(r);
		return ret;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **req)
{
	struct sc_server *s = cls;

	/* answered on the first call, before any body: a body is never read */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, "/metrics"))
		return metrics(s, conn);
	if (!strcmp(url, "/healthz"))
		return healthz(s, conn);
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK, "syscensus agent: /metrics (Prometheus), /healthz\n");
	return reply(conn, MHD_HTTP_NOT_FOUND, "not found: /metrics or /healthz\n");
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	sc_debug("metrics server: %s", msg);
}

/* HOST and PORT of @addr into @host (empty: any) and @port. 0 or -EINVAL. */
static int split_addr(const char *addr, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon;
	size_t n;
	uint64_t v;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		n = (size_t)(end - addr - 1);
		colon = end + 1;
		addr++;
	} else {
		if (!(colon = strrchr(addr, ':')))
			return -EINVAL;
		n = (size_t)(colon - addr);
	}
	if (n >= hlen || strlen(colon + 1) >= plen || sc_parse_u64(colon + 1, 65535, &v))
		return -EINVAL;
	memcpy(host, addr, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

int server__check_addr(const char *opt, const char *addr)
{
	char host[256], port[8];

	if (split_addr(addr, host, sizeof(host), port, sizeof(port))) {
		sc_err("%s: expected HOST:PORT, [IPV6]:PORT or :PORT, not \"%s\"", opt, addr);
		return -EINVAL;
	}
	return 0;
}

/*
 * A listening socket for @host (empty: every address, IPv6 and IPv4 when the host has
 * IPv6) and @port: bound here rather than by libmicrohttpd, so that a failure says why.
 * The fd, or -1 after saying why.
 */
static int listener(const char *opt, const char *addr, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai = NULL, *p;
	int fd = -1, err, one = 1, zero = 0;

	if (!host[0])
		host = "::";	/* dual stack; IPv4 alone below if the host has no IPv6 */
	if ((err = getaddrinfo(host, port, &hints, &ai))) {
		if (!strcmp(host, "::"))
			err = getaddrinfo(NULL, port, &hints, &ai);
		if (err) {
			sc_err("%s %s: %s", opt, addr, gai_strerror(err));
			return -1;
		}
	}
	err = 0;
	for (p = ai; p && fd < 0; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (p->ai_family == AF_INET6 && !strcmp(host, "::"))
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, p->ai_addr, p->ai_addrlen) < 0 || listen(fd, 64) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0 && !strcmp(host, "::") && (err == EAFNOSUPPORT || err == EADDRNOTAVAIL))
		return listener(opt, addr, "0.0.0.0", port);
	if (fd < 0)
		sc_err("%s %s: cannot listen there: %s", opt, addr, strerror(err ? err : EINVAL));
	return fd;
}

struct sc_server *server__bind(const char *opt, const char *addr, unsigned stale_s)
{
	char host[256], port[8];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sc_server *s;
	int fd;

	if (server__check_addr(opt, addr))
		return NULL;
	split_addr(addr, host, sizeof(host), port, sizeof(port));
	if ((fd = listener(opt, addr, host, port)) < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		sc_err("out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->stale_s = stale_s;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							 : ((struct sockaddr_in *)&ss)->sin_port);
	s->fd = fd;
	return s;
}

int server__run(struct sc_server *s, const char *opt, const char *addr)
{
	sigset_t block, old;

	/* the server's thread inherits a mask without the signals the loop waits for */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG,
				0, NULL, NULL, on_request, s,
				MHD_OPTION_LISTEN_SOCKET, s->fd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)SC_SERVE_CONNECTIONS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SC_SERVE_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SC_SERVE_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SC_SERVE_REQUEST_MEM,
				MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
				MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->d) {
		sc_err("%s %s: the HTTP server did not start (libmicrohttpd; `syscensus -v` shows its messages)", opt, addr);
		return -EIO;
	}
	s->fd = -1;	/* the daemon's now: it closes it */
	return 0;
}

struct sc_server *server__start(const char *opt, const char *addr, unsigned stale_s)
{
	struct sc_server *s = server__bind(opt, addr, stale_s);

	if (s && server__run(s, opt, addr)) {
		server__stop(s);
		return NULL;
	}
	return s;
}

void server__publish(struct sc_server *s, char *data, size_t len)
{
	struct snapshot *x = calloc(1, sizeof(*x)), *old;

	if (!x) {
		free(data);
		return;		/* the previous one stays; /healthz turns stale if this goes on */
	}
	*x = (struct snapshot){ .data = data, .len = len, .refs = 1, .srv = s };
	pthread_mutex_lock(&s->lock);
	old = s->cur;
	s->cur = x;
	clock_gettime(CLOCK_MONOTONIC, &s->published);
	pthread_mutex_unlock(&s->lock);
	snapshot_put(s, old);
}

unsigned server__port(const struct sc_server *s)
{
	return s->port;
}

void server__stop(struct sc_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);	/* joins the thread; responses in flight are released */
	if (s->fd >= 0)
		close(s->fd);
	snapshot_put(s, s->cur);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
