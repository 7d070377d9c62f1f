/* sub.c: a crowd of HTTP/1.1 subscribers on one epoll loop, the bench's compiled load generator.
 *
 * It opens N keep-alive connections to 127.0.0.1:PORT (from the loopback sources 127.0.1.1..S, at
 * most B connections opening at a time) and has each follow one server:
 *   --mode sse   one GET whose body does not end (chunked, Content-Length or until close);
 *   --mode poll  a long-poll loop: a new request as soon as an answer is complete, carrying the
 *                cursor that answer gave (a token of the body, or Nchan's Last-Modified/Etag).
 * A delivery is a marker KEY<seq>:<ns> in a body, written there by the publisher: seq is the
 * message's index (0..M-1), ns the publisher's CLOCK_MONOTONIC time when it sent it (the same clock
 * here: both run on this machine). Each connection must get every seq exactly once, and in the
 * server's order: messages sent at once on separate connections may be committed in another order
 * than sent, so the order is the one in which the crowd first saw them, and a connection that gets
 * one that came earlier in that order than one it already has counts one out of order. A
 * connection stops polling once it has all M.
 *
 * stdout, one JSON object per line:
 *   {"event":"ready",...}  once every connection is open (sse: the 200 head came; poll: the first
 *                          poll is written) or has failed;
 *   {"event":"done",...}   once every connection has all M messages or has failed, or when a line
 *                          "report" comes on stdin: deliveries, errors by kind, latency percentiles,
 *                          reads (sse) or answers (poll) that carried items, its own CPU time.
 * The connections stay open until stdin ends (the bench reads the server's CPU before they close).
 *
 * C99 with POSIX and Linux's epoll, no dependencies: bench/peers/generator.py builds it with cc -O2.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF_SIZE (256 * 1024)
#define LEFT_MAX (16 * 1024) /* an unfinished head or chunk-size line longer than this is malformed */
#define VALUE_MAX 120
#define HEADER_MAX 64
#define STDIN_ID 0xFFFFFFFFu

enum { CONNECTING, PROBING, MAIN, DEAD };
enum { H_IDLE, H_HEAD, H_LENGTH, H_CHUNK_SIZE, H_CHUNK_DATA, H_CHUNK_CRLF, H_TRAILER, H_UNTIL_CLOSE };

typedef struct {
    const char *key;
    size_t len;
    int *fail; /* KMP failure table */
    int cursor; /* 1: the value runs to a delimiter; 0: a marker <digits>:<digits> */
} Key;

typedef struct {
    int pos; /* characters of the key matched so far */
    int in_value;
    int vlen;
    char val[VALUE_MAX + 1];
} Matcher;

typedef struct {
    int fd;
    unsigned char phase, hstate, opened, done, counted_done;
    int status;
    int chunked, has_length;
    long long remaining;
    char *left; /* raw bytes not parsed yet (an unfinished head, chunk-size line or CRLF) */
    size_t left_len;
    char *out; /* a request not fully written */
    size_t out_len, out_off;
    Matcher marker, cursor_m;
    char cursor[VALUE_MAX + 1];
    char last_modified[HEADER_MAX], etag[HEADER_MAX];
    uint64_t *seen;
    int received, highest, answer_items; /* highest: the highest rank received */
} Conn;

static struct {
    int port, conns, messages, batch, sources, poll, nchan_cursor;
    const char *method, *path, *body, *probe, *initial_cursor;
    char headers[4096];
} opt = {0, 0, 0, 100, 64, 0, 0, "GET", NULL, NULL, NULL, "", ""};

static Key marker_key, cursor_key;
static Conn *conns;
static int ep, next_conn, opening, opened, open_failed, finished, ready_sent, done_sent;
static long long deliveries, reads, carrying_reads, answers, carrying_answers, items_this_read;
static long long err_connect, err_status, err_closed, err_parse, err_duplicate, err_order, err_marker;
static uint32_t *latency_us;
static int *rank, next_rank; /* per seq: its place in the order the crowd first saw the messages in */
static long long latencies;
static int64_t started_ns, ready_ns, first_delivery_ns, last_delivery_ns;
static char rbuf[RBUF_SIZE];

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "sub: %s\n", what);
    exit(2);
}

static void key_init(Key *k, const char *text, int cursor) {
    k->key = text;
    k->len = strlen(text);
    k->cursor = cursor;
    k->fail = calloc(k->len + 1, sizeof(int));
    if (!k->fail) die("out of memory");
    for (size_t i = 1, j = 0; i < k->len; i++) {
        while (j > 0 && text[i] != text[j]) j = (size_t)k->fail[j - 1];
        if (text[i] == text[j]) j++;
        k->fail[i] = (int)j;
    }
}

/* ---- deliveries ------------------------------------------------------------------------------ */

static void deliver(Conn *c, const char *value, int64_t now) {
    char *colon = strchr(value, ':');
    char *end = NULL;
    if (!colon) {
        err_marker++;
        return;
    }
    long seq = strtol(value, &end, 10);
    long long sent = strtoll(colon + 1, NULL, 10);
    if (end != colon || seq < 0 || seq >= opt.messages || sent <= 0) {
        err_marker++;
        return;
    }
    uint64_t bit = (uint64_t)1 << (seq % 64);
    if (c->seen[seq / 64] & bit) {
        err_duplicate++;
        return;
    }
    if (rank[seq] < 0) rank[seq] = next_rank++;
    if (rank[seq] < c->highest) err_order++;
    if (rank[seq] > c->highest) c->highest = rank[seq];
    c->seen[seq / 64] |= bit;
    c->received++;
    c->answer_items++;
    items_this_read++;
    deliveries++;
    int64_t waited = now - sent;
    latency_us[latencies++] = waited > 0 ? (uint32_t)(waited / 1000 < UINT32_MAX ? waited / 1000 : UINT32_MAX) : 0;
    if (!first_delivery_ns) first_delivery_ns = now;
    last_delivery_ns = now;
    if (c->received == opt.messages) {
        c->done = 1;
        if (!c->counted_done) {
            c->counted_done = 1;
            finished++;
        }
    }
}

static void value_end(Conn *c, Matcher *m, const Key *k, int64_t now) {
    m->val[m->vlen] = 0;
    if (k->cursor)
        memcpy(c->cursor, m->val, (size_t)m->vlen + 1);
    else
        deliver(c, m->val, now);
    m->in_value = m->vlen = m->pos = 0;
}

/* Feed body bytes to one matcher: tokens may straddle reads and chunks, so it keeps its state. */
static void match(Conn *c, Matcher *m, const Key *k, const char *data, size_t len, int64_t now) {
    const char *key = k->key;
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        if (m->in_value) {
            int part = k->cursor ? !strchr("\",} \r\n&", ch) : ((ch >= '0' && ch <= '9') || ch == ':');
            if (part && m->vlen < VALUE_MAX) {
                m->val[m->vlen++] = ch;
                continue;
            }
            value_end(c, m, k, now); /* then the delimiter may start the next key */
        }
        if (m->pos == 0) { /* the common case: skip to the key's first character */
            const char *hit = memchr(data + i, key[0], len - i);
            if (!hit) return;
            i = (size_t)(hit - data);
            ch = *hit;
        }
        while (m->pos > 0 && ch != key[m->pos]) m->pos = k->fail[m->pos - 1];
        if (ch == key[m->pos]) m->pos++;
        if ((size_t)m->pos == k->len) {
            m->in_value = 1;
            m->vlen = 0;
        }
    }
}

static void body(Conn *c, const char *data, size_t len, int64_t now) {
    if (c->phase != MAIN) return; /* a probe's body */
    match(c, &c->marker, &marker_key, data, len, now);
    if (cursor_key.key) match(c, &c->cursor_m, &cursor_key, data, len, now);
}

static void flush_matchers(Conn *c, int64_t now) {
    if (c->marker.in_value) value_end(c, &c->marker, &marker_key, now);
    if (cursor_key.key && c->cursor_m.in_value) value_end(c, &c->cursor_m, &cursor_key, now);
    c->marker.pos = c->cursor_m.pos = 0;
}

/* ---- connections ----------------------------------------------------------------------------- */

static void fill(void);

static void watch(Conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(c - conns)};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void became_open(Conn *c) {
    if (c->opened) return;
    c->opened = 1;
    opened++;
    opening--;
    fill();
}

static void kill_conn(Conn *c, long long *counter) {
    if (c->phase == DEAD) return;
    if (counter) (*counter)++;
    if (!c->opened) {
        open_failed++;
        opening--;
    }
    c->phase = DEAD;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->left);
    free(c->out);
    c->left = c->out = NULL;
    if (!c->counted_done) {
        c->counted_done = 1;
        finished++;
    }
    fill();
}

static void write_out(Conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0 && errno == EAGAIN) {
            watch(c, EPOLLIN | EPOLLOUT);
            return;
        }
        if (n <= 0) {
            kill_conn(c, &err_closed);
            return;
        }
        c->out_off += (size_t)n;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    watch(c, EPOLLIN);
}

/* Append template with each {cursor} replaced by the connection's cursor. */
static size_t expand(char *to, size_t room, const char *template, const char *cursor) {
    size_t n = 0, clen = strlen(cursor);
    for (const char *p = template; *p && n + clen < room; p++) {
        if (!strncmp(p, "{cursor}", 8)) {
            memcpy(to + n, cursor, clen);
            n += clen;
            p += 7;
        } else {
            to[n++] = *p;
        }
    }
    to[n] = 0;
    return n;
}

static void send_request(Conn *c, int probe) {
    char path[2048], payload[2048], extra[256] = "";
    size_t plen = 0;
    char *req = malloc(8192);
    if (!req) die("out of memory");
    if (probe) {
        snprintf(path, sizeof path, "%s", opt.probe);
    } else {
        expand(path, sizeof path, opt.path, c->cursor);
        if (opt.body) plen = expand(payload, sizeof payload, opt.body, c->cursor);
        if (opt.nchan_cursor && c->etag[0])
            snprintf(extra, sizeof extra, "If-Modified-Since: %s\r\nIf-None-Match: %s\r\n", c->last_modified, c->etag);
    }
    int n = snprintf(req, 8192, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s", probe ? "GET" : opt.method, path,
                     opt.port, probe ? "" : opt.headers, extra);
    if (plen) n += snprintf(req + n, 8192 - (size_t)n, "Content-Length: %zu\r\n", plen);
    n += snprintf(req + n, 8192 - (size_t)n, "\r\n");
    if (plen && (size_t)n + plen < 8192) {
        memcpy(req + n, payload, plen);
        n += (int)plen;
    }
    c->out = req;
    c->out_len = (size_t)n;
    c->out_off = 0;
    c->hstate = H_HEAD;
    c->answer_items = 0;
    write_out(c);
}

static void start_connect(int i) {
    Conn *c = &conns[i];
    c->phase = CONNECTING;
    c->highest = -1;
    snprintf(c->cursor, sizeof c->cursor, "%s", opt.initial_cursor);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        c->phase = DEAD;
        err_connect++;
        open_failed++;
        finished++;
        c->counted_done = 1;
        return;
    }
    opening++;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (opt.sources > 0) {
        int one = 1;
#ifdef IP_BIND_ADDRESS_NO_PORT
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
        (void)one;
        struct sockaddr_in from = {.sin_family = AF_INET};
        from.sin_addr.s_addr = htonl((127u << 24) | (1u << 8) | (uint32_t)(i % opt.sources + 1)); /* 127.0.1.x */
        bind(c->fd, (struct sockaddr *)&from, sizeof from);
    }
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) kill_conn(c, &err_connect);
}

static void fill(void) {
    while (opening < opt.batch && next_conn < opt.conns) start_connect(next_conn++);
}

static void connected(Conn *c) {
    int err = 0, one = 1;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        kill_conn(c, &err_connect);
        return;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (opt.probe) {
        c->phase = PROBING;
        send_request(c, 1);
        return;
    }
    c->phase = MAIN;
    send_request(c, 0);
    if (opt.poll && c->phase == MAIN) became_open(c);
}

/* ---- responses ------------------------------------------------------------------------------- */

static void copy_header(char *to, const char *value, size_t len) {
    if (len >= HEADER_MAX) len = HEADER_MAX - 1;
    memcpy(to, value, len);
    to[len] = 0;
}

/* Parse the head in data[0..len) (without the blank line); 0, or -1 when malformed. */
static int parse_head(Conn *c, const char *data, size_t len) {
    if (len < 12 || strncmp(data, "HTTP/1.", 7)) return -1;
    c->status = atoi(data + 9);
    c->chunked = c->has_length = 0;
    c->remaining = 0;
    const char *line = memchr(data, '\n', len);
    while (line && (size_t)(line - data) < len) {
        line++;
        const char *end = memchr(line, '\n', len - (size_t)(line - data));
        size_t llen = end ? (size_t)(end - line) : len - (size_t)(line - data);
        if (llen && line[llen - 1] == '\r') llen--;
        const char *colon = memchr(line, ':', llen);
        if (colon) {
            size_t nlen = (size_t)(colon - line);
            const char *v = colon + 1;
            while (v < line + llen && *v == ' ') v++;
            size_t vlen = (size_t)(line + llen - v);
            if (nlen == 14 && !strncasecmp(line, "content-length", 14)) {
                c->has_length = 1;
                c->remaining = atoll(v);
            } else if (nlen == 17 && !strncasecmp(line, "transfer-encoding", 17)) {
                c->chunked = vlen >= 7 && !strncasecmp(v + vlen - 7, "chunked", 7);
            } else if (nlen == 13 && !strncasecmp(line, "last-modified", 13)) {
                copy_header(c->last_modified, v, vlen);
            } else if (nlen == 4 && !strncasecmp(line, "etag", 4)) {
                copy_header(c->etag, v, vlen);
            }
        }
        line = end;
    }
    return 0;
}

static void response_end(Conn *c, int64_t now) {
    c->hstate = H_IDLE;
    if (c->phase == PROBING) {
        if (c->status != 200) {
            kill_conn(c, &err_status);
            return;
        }
        c->phase = MAIN;
        send_request(c, 0);
        if (opt.poll && c->phase == MAIN) became_open(c);
        return;
    }
    flush_matchers(c, now);
    if (!opt.poll) { /* a stream that ends has failed unless it had everything */
        if (!c->done) kill_conn(c, &err_closed);
        return;
    }
    answers++;
    if (c->answer_items) carrying_answers++;
    if (c->status != 200) {
        kill_conn(c, &err_status);
        return;
    }
    if (!c->done) send_request(c, 0);
}

/* After the head of the main request: an SSE stream is open if it is a 200. */
static int head_done(Conn *c) {
    if (c->phase != MAIN || opt.poll) return 0;
    if (c->status != 200) {
        kill_conn(c, &err_status);
        return -1;
    }
    became_open(c);
    return 0;
}

/* Parse data[0..len); keep what cannot be parsed yet in c->left. */
static void feed(Conn *c, const char *data, size_t len, int64_t now) {
    size_t i = 0;
    while (i < len && c->phase != DEAD) {
        const char *at = data + i;
        size_t rest = len - i;
        switch (c->hstate) {
        case H_IDLE:
            kill_conn(c, &err_parse); /* bytes nobody asked for */
            return;
        case H_HEAD: {
            const char *end = memmem(at, rest, "\r\n\r\n", 4);
            if (!end) goto keep;
            if (parse_head(c, at, (size_t)(end - at)) < 0) {
                kill_conn(c, &err_parse);
                return;
            }
            i += (size_t)(end - at) + 4;
            c->marker.pos = c->cursor_m.pos = 0;
            c->hstate = c->chunked ? H_CHUNK_SIZE : c->has_length ? H_LENGTH : H_UNTIL_CLOSE;
            if (c->status == 204 || c->status == 304) c->hstate = H_LENGTH, c->remaining = 0;
            if (head_done(c) < 0) return;
            if (c->hstate == H_LENGTH && c->remaining == 0) response_end(c, now);
            break;
        }
        case H_LENGTH:
        case H_CHUNK_DATA: {
            size_t n = rest < (size_t)c->remaining ? rest : (size_t)c->remaining;
            body(c, at, n, now);
            i += n;
            c->remaining -= (long long)n;
            if (c->remaining == 0) {
                if (c->hstate == H_LENGTH)
                    response_end(c, now);
                else
                    c->hstate = H_CHUNK_CRLF;
            }
            break;
        }
        case H_CHUNK_SIZE: {
            const char *end = memmem(at, rest, "\r\n", 2);
            if (!end) goto keep;
            char *stop = NULL;
            long long size = strtoll(at, &stop, 16);
            if (stop == at || size < 0) {
                kill_conn(c, &err_parse);
                return;
            }
            i += (size_t)(end - at) + 2;
            c->remaining = size;
            c->hstate = size ? H_CHUNK_DATA : H_TRAILER;
            break;
        }
        case H_CHUNK_CRLF:
            if (rest < 2) goto keep;
            if (at[0] != '\r' || at[1] != '\n') {
                kill_conn(c, &err_parse);
                return;
            }
            i += 2;
            c->hstate = H_CHUNK_SIZE;
            break;
        case H_TRAILER: {
            const char *end = memmem(at, rest, "\r\n", 2);
            if (!end) goto keep;
            i += (size_t)(end - at) + 2;
            if (end == at) response_end(c, now);
            break;
        }
        case H_UNTIL_CLOSE:
            body(c, at, rest, now);
            i = len;
            break;
        }
    }
    return;
keep:
    if (len - i > LEFT_MAX) {
        kill_conn(c, &err_parse);
        return;
    }
    c->left = malloc(len - i);
    if (!c->left) die("out of memory");
    memcpy(c->left, data + i, len - i);
    c->left_len = len - i;
}

static void readable(Conn *c) {
    size_t have = c->left_len;
    if (have) {
        memcpy(rbuf, c->left, have);
        free(c->left);
        c->left = NULL;
        c->left_len = 0;
    }
    ssize_t n = read(c->fd, rbuf + have, sizeof rbuf - have);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (have) feed(c, rbuf, have, now_ns());
        return;
    }
    int64_t now = now_ns();
    if (n <= 0) {
        if (c->hstate == H_UNTIL_CLOSE && opt.poll) response_end(c, now); /* a body that ends at close */
        if (c->phase != DEAD) {
            flush_matchers(c, now);
            kill_conn(c, c->done && !opt.poll ? NULL : &err_closed);
        }
        return;
    }
    int counted = c->phase == MAIN && c->opened;
    items_this_read = 0;
    feed(c, rbuf, have + (size_t)n, now);
    if (counted) {
        reads++;
        if (items_this_read) carrying_reads++;
    }
}

/* ---- reports --------------------------------------------------------------------------------- */

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_ms(double fraction) {
    if (!latencies) return -1;
    long long rank = (long long)(fraction * (double)latencies + 0.999999999) - 1;
    if (rank < 0) rank = 0;
    if (rank >= latencies) rank = latencies - 1;
    return latency_us[rank] / 1000.0;
}

static void report(const char *why) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec / 1e6;
    long long missing = 0, unfinished = 0;
    for (int i = 0; i < opt.conns; i++) {
        missing += opt.messages - conns[i].received;
        if (conns[i].received < opt.messages) unfinished++;
    }
    double sum = 0;
    for (long long i = 0; i < latencies; i++) sum += latency_us[i];
    qsort(latency_us, (size_t)latencies, sizeof *latency_us, by_value);
    printf("{\"event\":\"done\",\"why\":\"%s\",\"conns\":%d,\"open\":%d,\"messages\":%d,\"deliveries\":%lld,"
           "\"expected\":%lld,\"errors\":{\"connect\":%lld,\"status\":%lld,\"closed\":%lld,\"parse\":%lld,"
           "\"duplicates\":%lld,\"out_of_order\":%lld,\"bad_marker\":%lld,\"missing\":%lld,"
           "\"unfinished_conns\":%lld},\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
           "\"mean\":%.3f},\"reads\":%lld,\"carrying_reads\":%lld,\"answers\":%lld,\"carrying_answers\":%lld,"
           "\"first_delivery_ns\":%lld,\"last_delivery_ns\":%lld,\"setup_s\":%.3f,\"cpu_s\":%.3f,"
           "\"maxrss_kib\":%ld}\n",
           why, opt.conns, opened, opt.messages, deliveries, (long long)opt.conns * opt.messages, err_connect,
           err_status, err_closed, err_parse, err_duplicate, err_order, err_marker, missing, unfinished,
           percentile_ms(0.5), percentile_ms(0.9), percentile_ms(0.99), percentile_ms(1.0),
           latencies ? sum / (double)latencies / 1000.0 : -1.0, reads, carrying_reads, answers, carrying_answers,
           (long long)first_delivery_ns, (long long)last_delivery_ns,
           ready_ns ? (double)(ready_ns - started_ns) / 1e9 : -1.0, cpu, ru.ru_maxrss);
    fflush(stdout);
    done_sent = 1;
}

/* Print the ready line, then the report, once each, when their time has come. */
static void check_finished(void) {
    if (!ready_sent && next_conn == opt.conns && opened + open_failed == opt.conns) {
        ready_ns = now_ns();
        printf("{\"event\":\"ready\",\"open\":%d,\"failed\":%d,\"setup_s\":%.3f,\"errors\":{\"connect\":%lld,"
               "\"status\":%lld,\"closed\":%lld,\"parse\":%lld}}\n",
               opened, open_failed, (double)(ready_ns - started_ns) / 1e9, err_connect, err_status, err_closed,
               err_parse);
        fflush(stdout);
        ready_sent = 1;
    }
    if (ready_sent && !done_sent && finished == opt.conns) report("finished");
}

/* ---- main ------------------------------------------------------------------------------------ */

static void usage(void) {
    fprintf(stderr,
            "usage: sub --port P --conns N --messages M --mode sse|poll --path TEMPLATE [--method GET|POST]\n"
            "  [--body TEMPLATE] [--header LINE]... [--cursor INITIAL] [--cursor-key KEY | --nchan-cursor]\n"
            "  [--marker KEY] [--probe PATH] [--batch B] [--sources S]\n"
            "  TEMPLATE: {cursor} is replaced by the connection's cursor\n");
    exit(2);
}

static void parse_args(int argc, char **argv) {
    const char *marker = "#M", *cursor = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--nchan-cursor")) {
            opt.nchan_cursor = 1;
            continue;
        }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--port")) opt.port = atoi(v);
        else if (!strcmp(a, "--conns")) opt.conns = atoi(v);
        else if (!strcmp(a, "--messages")) opt.messages = atoi(v);
        else if (!strcmp(a, "--mode")) opt.poll = !strcmp(v, "poll");
        else if (!strcmp(a, "--path")) opt.path = v;
        else if (!strcmp(a, "--method")) opt.method = v;
        else if (!strcmp(a, "--body")) opt.body = v;
        else if (!strcmp(a, "--cursor")) opt.initial_cursor = v;
        else if (!strcmp(a, "--cursor-key")) cursor = v;
        else if (!strcmp(a, "--marker")) marker = v;
        else if (!strcmp(a, "--probe")) opt.probe = v;
        else if (!strcmp(a, "--batch")) opt.batch = atoi(v);
        else if (!strcmp(a, "--sources")) opt.sources = atoi(v);
        else if (!strcmp(a, "--header")) {
            size_t used = strlen(opt.headers);
            if (used + strlen(v) + 3 >= sizeof opt.headers) usage();
            snprintf(opt.headers + used, sizeof opt.headers - used, "%s\r\n", v);
        } else
            usage();
    }
    if (opt.port <= 0 || opt.conns <= 0 || opt.messages <= 0 || !opt.path || opt.batch <= 0 || !*marker) usage();
    key_init(&marker_key, marker, 0);
    if (cursor) key_init(&cursor_key, cursor, 1);
}

int main(int argc, char **argv) {
    parse_args(argc, argv);
    struct rlimit nofile;
    if (!getrlimit(RLIMIT_NOFILE, &nofile)) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    conns = calloc((size_t)opt.conns, sizeof *conns);
    latency_us = malloc((size_t)opt.conns * (size_t)opt.messages * sizeof *latency_us);
    rank = malloc((size_t)opt.messages * sizeof *rank);
    if (!conns || !latency_us || !rank) die("out of memory");
    for (int i = 0; i < opt.messages; i++) rank[i] = -1;
    size_t words = (size_t)(opt.messages + 63) / 64;
    for (int i = 0; i < opt.conns; i++) {
        conns[i].seen = calloc(words, sizeof(uint64_t));
        if (!conns[i].seen) die("out of memory");
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event in = {.events = EPOLLIN, .data.u32 = STDIN_ID};
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
    started_ns = now_ns();
    fill();
    check_finished();
    struct epoll_event events[1024];
    char line[256];
    size_t line_len = 0;
    for (;;) {
        int n = epoll_wait(ep, events, 1024, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("epoll_wait failed");
        for (int e = 0; e < n; e++) {
            uint32_t id = events[e].data.u32;
            if (id == STDIN_ID) {
                ssize_t got = read(0, line + line_len, sizeof line - 1 - line_len);
                if (got <= 0) return 0; /* stdin ended: the sockets close with the process */
                line_len += (size_t)got;
                line[line_len] = 0;
                if (strstr(line, "report\n") && !done_sent) report("asked");
                if (strchr(line, '\n') || line_len == sizeof line - 1) line_len = 0;
                continue;
            }
            Conn *c = &conns[id];
            if (c->phase == DEAD) continue;
            if (c->phase == CONNECTING) {
                if (events[e].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) connected(c);
                continue;
            }
            if ((events[e].events & EPOLLOUT) && c->out) write_out(c);
            if (c->phase != DEAD && (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) readable(c);
        }
        check_finished(); /* after the whole batch: an answer's bookkeeping is complete by then */
    }
}
