// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign-nlfuzz: a bounded, seeded fuzzer of the "smbsign" generic netlink
 * family.  Prints TAP.  Run as root in the initial network namespace with
 * smbsign loaded (and, for dumps that span several messages, sessions
 * registered: tools/testing/keys/smbsign_keytest.ko sessions=N).
 *
 *   smbsign-nlfuzz [-n MESSAGES] [-s SEED] [-T SECONDS] [-j JOBS] [-N NETNS]
 *   smbsign-nlfuzz -G [-n MESSAGES] [-s SEED]	(generate only, send nothing)
 *
 * MESSAGES (default 100000) requests are spread over contexts: root, an
 * unprivileged user (uid/gid 65534, no capabilities, no_new_privs) and the
 * root of a new user namespace (with its own network namespace) in the
 * initial network namespace, and root and the unprivileged user in NETNS
 * (default 2) new network namespaces.  JOBS (default: online CPUs) groups
 * of contexts run at once.  The requests: well-formed and malformed
 * commands of the family, unknown commands, attributes of wrong types and
 * sizes, unknown attributes, truncated netlink and genetlink headers and
 * attributes, oversized messages, nested garbage, batches of several
 * messages, random bytes, and session dumps abandoned after zero, one or
 * two parts (the socket closed mid-dump).
 *
 * Checks: every error reply to a request the family handles (well-formed,
 * a command it implements, of the right kind, from a sender allowed to
 * make it) carries an extack message (errors the generic netlink core
 * returns before the family sees the request are counted separately, by
 * errno); the policy of every namespace, read as root before and after,
 * is unchanged by the unprivileged senders and the user-namespace root,
 * who never get an ACK for a policy-set or stats-reset nor a reply to
 * stats-get or session-get (the user-namespace root may read its own
 * namespace's); root's requests reach the handlers (policy-set ACKs,
 * extack errors); the initial namespace's policy is restored afterwards;
 * the kernel log gets no oops, BUG, WARNING, KASAN, UBSAN or call trace;
 * all messages are sent within SECONDS (default 300).  The seed (default:
 * from /dev/urandom) is printed; -s repeats a run.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/smbsign.h>

#include "nl.h"

#define UNPRIV_ID	65534
#define MAX_MSG		(64 * 1024)
#define SEQ_SLOTS	8192
#define MAX_CTX		16
#define MAX_ERRNO	160
#define MAX_EXAMPLES	4
#define SNAP_SIZE	4096

enum who { ROOT, UNPRIV, USERNS_ROOT };

static const char *const who_name[] = { "root", "unprivileged", "userns-root" };

struct example {
	int error;
	uint8_t cmd;
	uint16_t flags;
	uint32_t len;
};

/* One context's results, in memory shared with the parent. */
struct ctx {
	char name[48];
	enum who who;
	uint64_t planned;
	uint64_t seed;
	/* filled by the worker */
	int setup_err;			/* errno of a failed setup, 0 if ok */
	int crash_sig;			/* the worker died of this signal */
	uint64_t sent, send_err, recv_err, replies, data;
	uint64_t errors, errors_extack, errors_core, errors_bad, acks;
	uint64_t admin_acks;		/* ACKs to policy-set/stats-reset */
	uint64_t priv_data;		/* stats/session replies it may not get */
	uint64_t policy_set_acks;
	uint64_t dumps_abandoned, dump_parts, dumps_done;
	uint64_t noext_errno[MAX_ERRNO];
	uint64_t send_errno[MAX_ERRNO];
	struct example bad[MAX_EXAMPLES];
	double seconds;
	/* filled by the group */
	int policy_checked;		/* snapshots taken around it */
	int policy_same;
	int own_policy_checked;		/* userns-root: its own namespace */
	int own_policy_same;
};

struct shared {
	int nctx;
	struct ctx ctx[MAX_CTX];
};

static struct shared *sh;
static uint16_t fam;
static bool gen_only;		/* -G: generate, send nothing (host check) */
static double deadline;

/* ------------------------------------------------------------- random -- */
static uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545F4914F6CDD1DULL;
}

static void rnd_seed(uint64_t seed)
{
	/* splitmix64: any seed, 0 included, gives a non-zero state */
	uint64_t z = seed + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	rs = (z ^ (z >> 31)) | 1;
}

static uint32_t rndn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------- generators -- */
static size_t gen_attrs(uint8_t *p, size_t room, int depth);

/* One attribute of a random type, size and content; returns bytes used. */
static size_t gen_attr(uint8_t *p, size_t room, int depth)
{
	struct nlattr *a = (struct nlattr *)p;
	size_t plen, max;
	uint16_t type;
	int kind;

	if (room < NLA_HDRLEN)
		return 0;
	max = room - NLA_HDRLEN;
	switch (rndn(8)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		type = rndn(6);				/* the family's range */
		break;
	case 5:
		type = rndn(40);			/* unknown, small */
		break;
	default:
		type = rnd();				/* anything, flags too */
		break;
	}
	if (!rndn(5))
		type |= NLA_F_NESTED;
	kind = rndn(11);
	switch (kind) {
	case 0:
		plen = 0;
		break;
	case 1:
		plen = 1;
		p[NLA_HDRLEN] = rndn(4);
		break;
	case 2:
		plen = 2;
		rnd_bytes(p + NLA_HDRLEN, 2);
		break;
	case 3:
		plen = 4;
		memset(p + NLA_HDRLEN, 0, 4);
		p[NLA_HDRLEN] = rndn(5);
		break;
	case 4:
		plen = 8;
		break;
	case 5:
		plen = rndn(41);
		break;
	case 6:
	case 7:
		plen = depth < 6 ? gen_attrs(p + NLA_HDRLEN,
					     max < 1024 ? max : 1024,
					     depth + 1) : 0;
		if (rndn(4))
			type |= NLA_F_NESTED;
		break;
	case 8:
		plen = rndn(16) + 1;
		if (plen > max)
			plen = max;
		memset(p + NLA_HDRLEN, 'a' + rndn(26), plen);
		if (plen)
			p[NLA_HDRLEN + plen - 1] = rndn(2) ? 0 : 'z';
		break;
	case 9:
		plen = rndn(4096);
		break;
	default:
		plen = 3 + rndn(3);			/* odd sizes */
		break;
	}
	if (plen > max)
		plen = max;
	if (kind == 4 || kind == 5 || kind == 9 || kind == 10)
		rnd_bytes(p + NLA_HDRLEN, plen);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + plen;
	if (!rndn(20)) {
		/* a length that lies: too short or past the end */
		switch (rndn(3)) {
		case 0:
			a->nla_len = rndn(NLA_HDRLEN);
			break;
		case 1:
			a->nla_len += 1 + rndn(64);
			break;
		default:
			a->nla_len = 0xffff;
			break;
		}
	}
	plen = NLT_ALIGN(NLA_HDRLEN + plen);
	return plen < room ? plen : room;
}

static size_t gen_attrs(uint8_t *p, size_t room, int depth)
{
	size_t used = 0;
	int n = rndn(7);

	while (n-- && used < room)
		used += gen_attr(p + used, room - used, depth);
	return used;
}

/* Mostly valid policy-set attributes, sometimes with a wrong size/value. */
static size_t gen_policy(uint8_t *p, size_t room)
{
	size_t used = 0;
	int d;

	for (d = SMBSIGN_A_POLICY_CLIENT; d <= SMBSIGN_A_POLICY_SERVER; d++) {
		struct nlattr *nest = (struct nlattr *)(p + used);
		size_t start = used;
		int i, n;

		if (rndn(3) == 0 || room - used < 128)
			continue;
		used += NLA_HDRLEN;
		for (i = SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING;
		     i <= SMBSIGN_A_DIR_POLICY_ALLOW_GUEST; i++) {
			struct nlattr *a = (struct nlattr *)(p + used);
			int sz = rndn(12) ? 1 : 1 << rndn(4);

			if (rndn(2))
				continue;
			a->nla_type = i;
			a->nla_len = NLA_HDRLEN + sz;
			memset(a + 1, 0, 8);
			((uint8_t *)(a + 1))[0] = rndn(12) ? rndn(2) : rndn(256);
			used += NLT_ALIGN(a->nla_len);
		}
		n = rndn(5);
		for (i = 0; i < n; i++) {
			struct nlattr *a = (struct nlattr *)(p + used);
			uint32_t v = rndn(10) ? rndn(3) : rnd();

			a->nla_type = SMBSIGN_A_DIR_POLICY_ALG;
			a->nla_len = NLA_HDRLEN + (rndn(15) ? 4 : rndn(9));
			memset(a + 1, 0, 8);
			memcpy(a + 1, &v, sizeof(v));
			used += NLT_ALIGN(a->nla_len);
		}
		nest->nla_type = d | (rndn(8) ? NLA_F_NESTED : 0);
		nest->nla_len = used - start;
	}
	return used;
}

static const uint8_t known_cmds[] = {
	SMBSIGN_CMD_POLICY_GET, SMBSIGN_CMD_POLICY_SET, SMBSIGN_CMD_STATS_GET,
	SMBSIGN_CMD_STATS_RESET, SMBSIGN_CMD_SESSION_GET,
};

static uint8_t pick_cmd(void)
{
	switch (rndn(10)) {
	case 0:
		return SMBSIGN_CMD_POLICY_NTF + rndn(4);	/* events */
	case 1:
		return rndn(2) ? 0 : SMBSIGN_CMD_MAX + 1 + rndn(250);
	default:
		return known_cmds[rndn(sizeof(known_cmds))];
	}
}

static uint16_t pick_flags(uint8_t cmd)
{
	uint16_t f = NLM_F_REQUEST;

	if (rndn(2))
		f |= NLM_F_ACK;
	if (cmd == SMBSIGN_CMD_SESSION_GET ? rndn(10) < 7 : !rndn(8))
		f |= NLM_F_DUMP;
	if (!rndn(40))
		f = rnd();		/* anything, NLM_F_REQUEST or not */
	return f;
}

static uint32_t seq_next = 1;

/* A well-formed header and cmd, attributes by kind; returns its length. */
static size_t gen_msg(uint8_t *buf, size_t room, int kind)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	uint8_t cmd = pick_cmd();
	size_t len;

	if (kind == 1 && rndn(2))
		cmd = SMBSIGN_CMD_POLICY_SET;
	if (kind == 3)		/* a command the family does not have */
		cmd = rndn(4) ? SMBSIGN_CMD_MAX + 1 + rndn(250) :
				SMBSIGN_CMD_POLICY_NTF + rndn(4) * !!rndn(5);
	nlt_genl(buf, fam, cmd, pick_flags(cmd), seq_next++);
	len = NLMSG_HDRLEN + GENL_HDRLEN;
	switch (kind) {
	case 0:		/* mostly valid */
		if (cmd == SMBSIGN_CMD_POLICY_SET && rndn(10) < 7)
			len += gen_policy(buf + len, room - len);
		else if (rndn(2))
			len += gen_attrs(buf + len, room - len, 0);
		break;
	case 2: {	/* nested garbage: a policy nest of random bytes */
		struct nlattr *a = (struct nlattr *)(buf + len);
		size_t n = rndn(200);

		a->nla_type = (1 + rndn(2)) | (rndn(4) ? NLA_F_NESTED : 0);
		a->nla_len = NLA_HDRLEN + n;
		rnd_bytes((uint8_t *)(a + 1), n);
		len += NLT_ALIGN(a->nla_len);
		break;
	}
	default:	/* wrong types, unknown attributes */
		len += gen_attrs(buf + len, room - len, 0);
		break;
	}
	nlh->nlmsg_len = len;
	return len;
}

/* Oversized: many attributes, a huge one, or deep nesting. */
static size_t gen_big(uint8_t *buf, size_t room)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	uint8_t cmd = rndn(4) ? SMBSIGN_CMD_POLICY_SET : pick_cmd();
	size_t len, target;
	struct nlattr *a;

	/* 8 KiB up to the room there is (less within a batch) */
	target = room > 16384 ? 8192 + rndn(room - 8192 - 64) :
		 room / 2 + rndn(room / 2 - 64);

	nlt_genl(buf, fam, cmd, pick_flags(cmd), seq_next++);
	len = NLMSG_HDRLEN + GENL_HDRLEN;
	switch (rndn(3)) {
	case 0: {	/* thousands of algorithms in one nest */
		size_t start = len;
		uint32_t v;

		len += NLA_HDRLEN;
		while (len + 8 <= target) {
			a = (struct nlattr *)(buf + len);
			a->nla_type = SMBSIGN_A_DIR_POLICY_ALG;
			a->nla_len = 8;
			v = rndn(3);
			memcpy(a + 1, &v, 4);
			len += 8;
		}
		a = (struct nlattr *)(buf + start);
		a->nla_type = SMBSIGN_A_POLICY_CLIENT | NLA_F_NESTED;
		a->nla_len = len - start;
		break;
	}
	case 1:		/* one attribute of up to 64 KiB */
		a = (struct nlattr *)(buf + len);
		a->nla_type = rndn(4);
		a->nla_len = target - len > 0xffff ? 0xffff : target - len;
		rnd_bytes((uint8_t *)(a + 1), a->nla_len - NLA_HDRLEN);
		len += NLT_ALIGN(a->nla_len);
		break;
	default: {	/* nests within nests */
		size_t depth = (target - len) / NLA_HDRLEN, i;

		if (depth > 2000)
			depth = 2000;
		for (i = 0; i < depth; i++) {
			a = (struct nlattr *)(buf + len + i * NLA_HDRLEN);
			a->nla_type = (1 + rndn(2)) | NLA_F_NESTED;
			a->nla_len = (depth - i) * NLA_HDRLEN;
		}
		len += depth * NLA_HDRLEN;
		break;
	}
	}
	nlh->nlmsg_len = len;
	return len;
}

/* One message of a random kind (no batches); returns its length. */
static size_t gen_one(uint8_t *buf, size_t room)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);
	size_t len, cut;
	uint32_t s = rndn(100);

	if (s < 30)
		return gen_msg(buf, room, 0);
	if (s < 45)
		return gen_msg(buf, room, 1);
	if (s < 55) {		/* truncated: header or attributes cut */
		len = gen_msg(buf, room, rndn(2));
		cut = rndn(len);
		if (rndn(2))
			nlh->nlmsg_len = cut;	/* consistent */
		return cut;
	}
	if (s < 62) {		/* the last attribute's length lies */
		len = gen_msg(buf, room, 0);
		if (len > NLMSG_HDRLEN + GENL_HDRLEN) {
			struct nlattr *a = (struct nlattr *)(buf + NLMSG_HDRLEN +
							     GENL_HDRLEN);

			a->nla_len = rndn(2) ? rndn(NLA_HDRLEN) :
				     a->nla_len + 4 + rndn(200);
		}
		return len;
	}
	if (s < 66)
		return gen_big(buf, room);
	if (s < 74)
		return gen_msg(buf, room, 2);
	if (s < 82) {		/* genetlink header and flags garbage */
		len = gen_msg(buf, room, 0);
		switch (rndn(5)) {
		case 0:
			g->version = rnd();
			g->reserved = rnd();
			break;
		case 1:		/* no room for the genetlink header */
			len = NLMSG_HDRLEN + rndn(GENL_HDRLEN);
			nlh->nlmsg_len = len;
			break;
		case 2:
			nlh->nlmsg_type = rndn(NLMSG_MIN_TYPE);
			break;
		case 3:
			nlh->nlmsg_flags = rnd();
			break;
		default:
			nlh->nlmsg_len = rnd();
			break;
		}
		return len;
	}
	if (s < 92)		/* unknown commands */
		return gen_msg(buf, room, 3);
	/* random bytes behind a header that holds together */
	len = NLMSG_HDRLEN + rndn(512);
	rnd_bytes(buf, len);
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = fam;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_seq = seq_next++;
	return len;
}

/* ------------------------------------------------------------- worker -- */
struct sent {
	uint32_t seq;
	uint8_t cmd;
	bool handled;		/* the family's handler sees it */
	bool admin;		/* a policy-set or stats-reset that parses */
};

static struct sent sent_tab[SEQ_SLOTS];

static bool perm_ok(enum who who, uint8_t cmd)
{
	switch (cmd) {
	case SMBSIGN_CMD_POLICY_GET:
		return true;
	case SMBSIGN_CMD_STATS_GET:
	case SMBSIGN_CMD_SESSION_GET:
		return who != UNPRIV;
	default:
		return who == ROOT;
	}
}

/*
 * Walk the messages of a send as netlink_rcv_skb() will, and record for
 * each sequence number whether the family's handler gets it.
 */
static void classify(const uint8_t *buf, size_t len, enum who who)
{
	bool dump_seen = false;

	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)buf;
		const struct genlmsghdr *g = (const void *)(buf + NLMSG_HDRLEN);
		struct sent *s = &sent_tab[nlh->nlmsg_seq % SEQ_SLOTS];
		bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
		bool genl_ok;
		size_t step;

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
			return;
		genl_ok = (nlh->nlmsg_flags & NLM_F_REQUEST) &&
			  nlh->nlmsg_type == fam &&
			  nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
		s->seq = nlh->nlmsg_seq;
		s->cmd = genl_ok ? g->cmd : 0;
		s->handled = genl_ok && g->cmd >= SMBSIGN_CMD_POLICY_GET &&
			     g->cmd <= SMBSIGN_CMD_SESSION_GET &&
			     perm_ok(who, g->cmd) &&
			     dump == (g->cmd == SMBSIGN_CMD_SESSION_GET) &&
			     !(dump && dump_seen);	/* -EBUSY: core */
		s->admin = genl_ok && !dump &&
			   (g->cmd == SMBSIGN_CMD_POLICY_SET ||
			    g->cmd == SMBSIGN_CMD_STATS_RESET);
		if (genl_ok && dump)
			dump_seen = true;
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			return;
		buf += step;
		len -= step;
	}
}

static void note_error(struct ctx *c, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct sent *s = &sent_tab[h->nlmsg_seq % SEQ_SLOTS];
	bool ours = s->seq == h->nlmsg_seq;

	if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return;
	if (!e->error) {
		c->acks++;
		if (ours && s->admin && c->who != ROOT)
			c->admin_acks++;
		if (ours && s->admin && s->cmd == SMBSIGN_CMD_POLICY_SET)
			c->policy_set_acks++;
		return;
	}
	c->errors++;
	if (nlt_extack_msg(h)) {
		c->errors_extack++;
		return;
	}
	if (-e->error > 0 && -e->error < MAX_ERRNO)
		c->noext_errno[-e->error]++;
	if (ours && s->handled) {
		int i = c->errors_bad < MAX_EXAMPLES ? (int)c->errors_bad : -1;

		c->errors_bad++;
		if (i >= 0) {
			c->bad[i].error = e->error;
			c->bad[i].cmd = s->cmd;
			c->bad[i].flags = e->msg.nlmsg_flags;
			c->bad[i].len = e->msg.nlmsg_len;
		}
	} else {
		c->errors_core++;
	}
}

static uint8_t rbuf[1 << 17];

/*
 * Read what the kernel queued for us.  A dump still going after `limit`
 * parts is abandoned: the socket is closed mid-dump and a new one opened.
 */
static int drain(struct ctx *c, int *fd, unsigned int limit)
{
	unsigned int parts = 0;
	bool in_dump = false;

	for (;;) {
		ssize_t n = recv(*fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->recv_err++;
			if (errno == EAGAIN)
				break;
			continue;	/* ENOBUFS or a dump's error: go on */
		}
		for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			c->replies++;
			if (h->nlmsg_type == NLMSG_ERROR) {
				note_error(c, h);
			} else if (h->nlmsg_type == NLMSG_DONE) {
				c->dumps_done++;
				in_dump = false;
			} else {
				const struct genlmsghdr *g = NLMSG_DATA(h);

				c->data++;
				if (h->nlmsg_flags & NLM_F_MULTI)
					in_dump = true;
				if (c->who == UNPRIV &&
				    h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
				    (g->cmd == SMBSIGN_CMD_STATS_GET ||
				     g->cmd == SMBSIGN_CMD_SESSION_GET))
					c->priv_data++;
			}
		}
		if (in_dump) {
			c->dump_parts++;
			if (++parts >= limit) {
				close(*fd);
				*fd = nlt_open();
				if (*fd < 0)
					return -errno;
				c->dumps_abandoned++;
				break;
			}
		}
	}
	return 0;
}

static int send_buf(struct ctx *c, int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	c->sent++;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		c->send_err++;
		if (errno > 0 && errno < MAX_ERRNO)
			c->send_errno[errno]++;
		return -errno;
	}
	return 0;
}

/* Count the messages of a read; true if it ends the request. */
static bool count_read(struct ctx *c, ssize_t n, bool peek)
{
	struct nlmsghdr *h;
	bool done = false;

	for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
			done = true;
		if (peek)
			continue;
		c->replies++;
		if (h->nlmsg_type == NLMSG_ERROR)
			note_error(c, h);
		else if (h->nlmsg_type == NLMSG_DONE)
			c->dumps_done++;
		else
			c->data++;
	}
	return done;
}

/*
 * Open a dump on a new socket, read 0-2 parts, close it.  Counted as
 * abandoned if the dump was still going: what is queued (peeked at, which
 * does not advance the dump) does not finish it.
 */
static void abandon_dump(struct ctx *c)
{
	uint8_t buf[64];
	int fd = nlt_open(), parts = rndn(3), i;
	bool done = false;
	ssize_t n;

	if (fd < 0)
		return;
	nlt_genl(buf, fam, rndn(8) ? SMBSIGN_CMD_SESSION_GET :
		 SMBSIGN_CMD_POLICY_GET, NLM_F_REQUEST | NLM_F_DUMP,
		 seq_next++);
	classify(buf, NLMSG_HDRLEN + GENL_HDRLEN, c->who);
	if (send_buf(c, fd, buf, NLMSG_HDRLEN + GENL_HDRLEN)) {
		close(fd);
		return;
	}
	for (i = 0; i < parts && !done; i++) {
		n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		if (n < 0)
			break;
		c->dump_parts++;
		done = count_read(c, n, false);
	}
	if (!done) {
		n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT | MSG_PEEK);
		if (n > 0 && !count_read(c, n, true))
			c->dumps_abandoned++;
	}
	close(fd);
}

static int run_worker(struct ctx *c)
{
	static uint8_t buf[MAX_MSG];
	double t0 = now();
	int fd = nlt_open();
	uint64_t i;

	if (fd < 0)
		return -errno;
	rnd_seed(c->seed);
	for (i = 0; i < c->planned; i++) {
		size_t len = 0;
		int k;

		if ((i & 255) == 0 && now() > deadline)
			break;
		if (rndn(100) < 2 && !gen_only) {
			abandon_dump(c);
			continue;
		}
		if (rndn(100) < 10) {
			/* a batch of 2-5 messages in one send */
			for (k = 2 + rndn(4); k > 0 && MAX_MSG - len > 8192;
			     k--) {
				size_t l = gen_one(buf + len, 8192);

				len += NLMSG_ALIGN(l);
			}
		} else {
			len = gen_one(buf, MAX_MSG);
		}
		classify(buf, len, c->who);
		if (gen_only) {
			c->sent++;
			continue;
		}
		send_buf(c, fd, buf, len);
		if (drain(c, &fd, 1 + rndn(3)))
			return -errno;
	}
	/* the last abandoned dump, and the ones still open, go with fd */
	close(fd);
	c->seconds = now() - t0;
	return 0;
}

/* ----------------------------------------------------------- identity -- */
static int caps_all_zero(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return 0;
	return !(d[0].effective | d[0].permitted | d[0].inheritable |
		 d[1].effective | d[1].permitted | d[1].inheritable);
}

/* Become uid/gid 65534 with no capabilities at all. */
static int drop_privileges(void)
{
	int cap;

	for (cap = 0; cap < 64; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setgroups(0, NULL) ||
	    setresgid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) ||
	    setresuid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (!caps_all_zero() || getuid() != UNPRIV_ID || geteuid() != UNPRIV_ID)
		return -EPERM;
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -EIO;
}

/* From 65534: a new user namespace (uid 0 there) with a new netns. */
static int become_userns_root(void)
{
	char map[32];
	int err = drop_privileges();

	if (err)
		return err;
	/* the uid change made us undumpable: /proc/self would be root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -errno;
	snprintf(map, sizeof(map), "0 %d 1\n", UNPRIV_ID);
	err = write_file("/proc/self/setgroups", "deny");
	if (!err)
		err = write_file("/proc/self/uid_map", map);
	if (!err)
		err = write_file("/proc/self/gid_map", map);
	return err;
}

/* ------------------------------------------------------------- policy -- */
static void snap_cb(const struct nlmsghdr *h, void *arg)
{
	char *out = arg;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    len > SNAP_SIZE - sizeof(uint32_t))
		return;
	memcpy(out, &len, sizeof(uint32_t));
	memcpy(out + sizeof(uint32_t),
	       (const char *)NLMSG_DATA(h) + GENL_HDRLEN, len);
}

/* The policy of the caller's netns: a length, then the attributes. */
static int policy_snapshot(char *out)
{
	char buf[64];
	int fd = nlt_open(), err;

	if (fd < 0)
		return -errno;
	memset(out, 0, SNAP_SIZE);
	nlt_genl(buf, fam, SMBSIGN_CMD_POLICY_GET, NLM_F_REQUEST, 1);
	err = nlt_talk(fd, buf, snap_cb, out);
	close(fd);
	if (!err && !*(uint32_t *)out)
		err = -ENODATA;
	return err;
}

static bool snap_equal(const char *a, const char *b)
{
	uint32_t la, lb;

	memcpy(&la, a, sizeof(la));
	memcpy(&lb, b, sizeof(lb));
	return la == lb && !memcmp(a, b, la + sizeof(uint32_t));
}

/* Set the policy of the caller's netns to a snapshot. */
static int policy_restore(const char *snap)
{
	static char buf[SNAP_SIZE + 64];
	struct nlmsghdr *nlh;
	uint32_t len;
	int fd = nlt_open(), err;

	if (fd < 0)
		return -errno;
	memcpy(&len, snap, sizeof(len));
	nlh = nlt_genl(buf, fam, SMBSIGN_CMD_POLICY_SET,
		       NLM_F_REQUEST | NLM_F_ACK, 2);
	memcpy(buf + nlh->nlmsg_len, snap + sizeof(uint32_t), len);
	nlh->nlmsg_len += len;
	err = nlt_talk(fd, buf, NULL, NULL);
	close(fd);
	return err;
}

/* ------------------------------------------------------------- driver -- */
static void run_ctx_child(struct ctx *c)
{
	char before[SNAP_SIZE], after[SNAP_SIZE];
	int err = 0;

	if (c->who == UNPRIV)
		err = drop_privileges();
	else if (c->who == USERNS_ROOT)
		err = become_userns_root();
	if (err) {
		c->setup_err = -err;
		_exit(1);
	}
	if (c->who == USERNS_ROOT && !policy_snapshot(before))
		c->own_policy_checked = 1;
	err = run_worker(c);
	if (err)
		c->setup_err = -err;
	if (c->own_policy_checked) {
		c->own_policy_checked = !policy_snapshot(after);
		c->own_policy_same = snap_equal(before, after);
	}
	_exit(err ? 1 : 0);
}

static void run_ctx(struct ctx *c)
{
	char before[SNAP_SIZE], after[SNAP_SIZE];
	bool snap = c->who != ROOT && !policy_snapshot(before);
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		run_ctx_child(c);
	if (pid < 0) {
		c->setup_err = errno;
	} else if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status)) {
		c->crash_sig = WTERMSIG(status);
	}
	if (snap && !policy_snapshot(after)) {
		c->policy_checked = 1;
		c->policy_same = snap_equal(before, after);
	}
}

/* A group: contexts [first, last) in one netns (a new one if newns). */
static void run_group(int first, int last, bool newns)
{
	int i;

	if (newns && unshare(CLONE_NEWNET)) {
		for (i = first; i < last; i++)
			sh->ctx[i].setup_err = errno;
		_exit(1);
	}
	for (i = first; i < last; i++)
		run_ctx(&sh->ctx[i]);
	_exit(0);
}

static void add_ctx(const char *ns, enum who who, uint64_t seed)
{
	struct ctx *c = &sh->ctx[sh->nctx];

	snprintf(c->name, sizeof(c->name), "%s/%s", ns, who_name[who]);
	c->who = who;
	c->seed = seed + sh->nctx;
	sh->nctx++;
}

/* ------------------------------------------------------------ kmsg ------ */
static const char *const bad_log[] = {
	"Oops", "BUG:", "WARNING:", "KASAN:", "UBSAN:", "Call Trace:",
	"general protection fault", "kernel BUG", "refcount_t:",
	"list_add corruption", "list_del corruption", "use-after-free",
	"double free", "slab-out-of-bounds", "Kernel panic",
	"kmemleak:", "stack-protector", "soft lockup", "blocked for more than",
};

/* Read new /dev/kmsg records; count bad ones (printed) and netlink notes. */
static int kmsg_scan(int fd, unsigned long *netlink_notes)
{
	char rec[8192];
	int bad = 0;
	size_t i;

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue;	/* overwritten: go on */
			break;
		}
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!strncmp(msg, "netlink: ", 9))
			(*netlink_notes)++;
		for (i = 0; i < ARRAY_SIZE(bad_log); i++) {
			if (strstr(msg, bad_log[i])) {
				if (bad++ < 10)
					printf("# kernel: %s", msg);
				break;
			}
		}
	}
	return bad;
}

/* -------------------------------------------------------------- main ---- */
static int tap_n, tap_fail;

#define __printf(a, b)	__attribute__((format(printf, a, b)))
static __printf(2, 3) void tap(bool ok, const char *fmt, ...);

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_fail++;
}

static uint64_t seed_default(void)
{
	uint64_t s = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &s, sizeof(s)) != sizeof(s))
		s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (fd >= 0)
		close(fd);
	return s;
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-n MESSAGES] [-s SEED] [-T SECONDS] [-j JOBS] [-N NETNS]\n",
		program_invocation_short_name);
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t total = 100000, seed = seed_default(), sum[32] = { 0 };
	unsigned long budget = 300, netlink_notes = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int nns = 2, opt, fd, kfd, i, g, ngroups, running = 0, bad_log_n;
	int group_first[MAX_CTX], group_last[MAX_CTX];
	char p0[SNAP_SIZE], p1[SNAP_SIZE], userns_sysctl[8] = "";
	uint64_t noext[MAX_ERRNO] = { 0 }, senderr[MAX_ERRNO] = { 0 };
	double t0;
	bool restored;
	int err;

	while ((opt = getopt(argc, argv, "n:s:T:j:N:G")) != -1) {
		switch (opt) {
		case 'G':
			gen_only = true;
			break;
		case 'n':
			total = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			budget = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			jobs = strtol(optarg, NULL, 0);
			break;
		case 'N':
			nns = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (nns < 0 || nns > 5)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (gen_only) {
		/* the generators alone, e.g. under ASan/valgrind on the host */
		static struct ctx c = { .name = "generate" };

		fam = NLMSG_MIN_TYPE + 7;
		c.planned = total;
		c.seed = seed;
		deadline = now() + budget;
		run_worker(&c);
		printf("generated %" PRIu64 " messages, seed %" PRIu64 "\n",
		       c.sent, seed);
		return c.sent == total ? 0 : 1;
	}
	printf("TAP version 13\n1..10\n");
	printf("# seed %" PRIu64 " (repeat with -s %" PRIu64 "), %" PRIu64
	       " messages, %d new network namespaces, %ld jobs, budget %lus\n",
	       seed, seed, total, nns, jobs, budget);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	memset(sh, 0, sizeof(*sh));

	fd = nlt_open();
	err = fd < 0 ? -errno : nlt_family(fd, SMBSIGN_FAMILY_NAME, NULL);
	tap(err > 0, "family %s resolved (id %d)", SMBSIGN_FAMILY_NAME, err);
	if (err <= 0) {
		printf("Bail out! no %s family: is the module loaded?\n",
		       SMBSIGN_FAMILY_NAME);
		return 1;
	}
	fam = err;
	close(fd);

	/* Debian kernels can forbid unprivileged user namespaces */
	fd = open("/proc/sys/kernel/unprivileged_userns_clone", O_RDWR);
	if (fd >= 0) {
		if (read(fd, userns_sysctl, sizeof(userns_sysctl) - 1) < 0)
			userns_sysctl[0] = 0;
		close(fd);
		write_file("/proc/sys/kernel/unprivileged_userns_clone", "1");
	}

	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);

	if (policy_snapshot(p0)) {
		printf("Bail out! cannot read the policy\n");
		return 1;
	}

	/* contexts and their groups */
	ngroups = 0;
	group_first[ngroups] = sh->nctx;
	add_ctx("init", ROOT, seed);
	add_ctx("init", UNPRIV, seed);
	add_ctx("init", USERNS_ROOT, seed);
	group_last[ngroups++] = sh->nctx;
	for (i = 1; i <= nns; i++) {
		char ns[16];

		snprintf(ns, sizeof(ns), "netns%d", i);
		group_first[ngroups] = sh->nctx;
		add_ctx(ns, ROOT, seed);
		add_ctx(ns, UNPRIV, seed);
		group_last[ngroups++] = sh->nctx;
	}
	for (i = 0; i < sh->nctx; i++)
		sh->ctx[i].planned = total / sh->nctx +
				     ((uint64_t)i < total % sh->nctx);

	t0 = now();
	deadline = t0 + budget;
	fflush(NULL);
	for (g = 0; g < ngroups; g++) {
		pid_t pid;

		if (running >= jobs && wait(NULL) > 0)
			running--;
		pid = fork();
		if (pid == 0)
			run_group(group_first[g], group_last[g], g > 0);
		if (pid > 0)
			running++;
	}
	while (wait(NULL) > 0)
		;
	t0 = now() - t0;

	/* root changed the initial namespace's policy: put it back */
	restored = !policy_snapshot(p1) &&
		   (snap_equal(p0, p1) ||
		    (!policy_restore(p0) && !policy_snapshot(p1) &&
		     snap_equal(p0, p1)));
	if (userns_sysctl[0])
		write_file("/proc/sys/kernel/unprivileged_userns_clone",
			   userns_sysctl);

	/* per context */
	{
		bool setup_ok = true, policy_ok = true, ext_ok = true;
		bool priv_ok = true, reached = false;
		uint64_t sent = 0, planned = 0;

		for (i = 0; i < sh->nctx; i++) {
			struct ctx *c = &sh->ctx[i];
			int e;

			printf("# %-20s sent %6" PRIu64 "/%" PRIu64 " in %.1fs, replies %" PRIu64
			       ", errors %" PRIu64 " (extack %" PRIu64 ", core %" PRIu64
			       ", bad %" PRIu64 "), acks %" PRIu64 ", dumps abandoned %" PRIu64
			       "%s%s%s\n", c->name, c->sent, c->planned, c->seconds,
			       c->replies, c->errors, c->errors_extack,
			       c->errors_core, c->errors_bad, c->acks,
			       c->dumps_abandoned,
			       c->setup_err ? ", setup failed: " : "",
			       c->setup_err ? strerror(c->setup_err) : "",
			       c->crash_sig ? ", CRASHED" : "");
			if (c->setup_err || c->crash_sig)
				setup_ok = false;
			sent += c->sent;
			planned += c->planned;
			sum[0] += c->errors;
			sum[1] += c->errors_extack;
			sum[2] += c->errors_core;
			sum[3] += c->errors_bad;
			sum[4] += c->acks;
			sum[5] += c->dumps_abandoned;
			sum[6] += c->replies;
			sum[7] += c->send_err;
			sum[8] += c->recv_err;
			sum[9] += c->dump_parts;
			sum[10] += c->data;
			for (e = 0; e < MAX_ERRNO; e++) {
				noext[e] += c->noext_errno[e];
				senderr[e] += c->send_errno[e];
			}
			for (e = 0; e < MAX_EXAMPLES && (uint64_t)e < c->errors_bad; e++)
				printf("#   error %d without extack: cmd %u flags 0x%x len %u\n",
				       c->bad[e].error, c->bad[e].cmd,
				       c->bad[e].flags, c->bad[e].len);
			if (c->errors_bad)
				ext_ok = false;
			if (c->who != ROOT &&
			    (!c->policy_checked || !c->policy_same)) {
				printf("#   %s: policy %s\n", c->name,
				       c->policy_checked ? "CHANGED" : "not read");
				policy_ok = false;
			}
			if (c->who == USERNS_ROOT &&
			    (!c->own_policy_checked || !c->own_policy_same)) {
				printf("#   %s: own namespace's policy %s\n",
				       c->name, c->own_policy_checked ?
				       "CHANGED" : "not read");
				policy_ok = false;
			}
			if (c->who != ROOT && (c->admin_acks || c->priv_data)) {
				printf("#   %s: %" PRIu64 " policy-set/stats-reset ACKs, %" PRIu64
				       " stats/session replies\n", c->name,
				       c->admin_acks, c->priv_data);
				priv_ok = false;
			}
			if (c->who == ROOT && c->policy_set_acks &&
			    c->errors_extack)
				reached = true;
		}
		printf("# errors without extack, by errno (the genetlink core's, before the family):");
		for (i = 0; i < MAX_ERRNO; i++)
			if (noext[i])
				printf(" %s=%" PRIu64, strerror(i), noext[i]);
		printf("\n# send errors, by errno:");
		for (i = 0; i < MAX_ERRNO; i++)
			if (senderr[i])
				printf(" %s=%" PRIu64, strerror(i), senderr[i]);
		printf("\n");
		tap(setup_ok, "every context set up (uid 65534 without capabilities, user and network namespaces) and ran to its end");
		tap(sent == planned, "all %" PRIu64 " messages sent within %lus (%" PRIu64 " sent in %.1fs, %.0f/s)",
		    planned, budget, sent, t0, sent / (t0 > 0 ? t0 : 1));
		tap(reached, "root's requests reach the handlers (policy-set ACKs and extack errors)");
		tap(ext_ok, "every error reply to a request the family handles carries an extack message (%" PRIu64 " without)",
		    sum[3]);
		tap(policy_ok, "the policy of every namespace is unchanged by unprivileged senders and the user-namespace root");
		tap(priv_ok, "unprivileged senders get no policy-set/stats-reset ACK and no stats or sessions");
		tap(sum[5] > 0, "dumps abandoned mid-way: %" PRIu64, sum[5]);
		tap(restored, "the initial namespace's policy is restored after root's fuzzing");
		bad_log_n = kfd >= 0 ? kmsg_scan(kfd, &netlink_notes) : -1;
		tap(bad_log_n == 0, "kernel log: no oops, BUG, WARNING, KASAN, UBSAN or call trace (%d bad lines, %lu netlink parse notes)",
		    bad_log_n, netlink_notes);
		printf("# totals: seed=%" PRIu64 " sent=%" PRIu64 " replies=%" PRIu64 " data=%" PRIu64
		       " errors=%" PRIu64 " errors_with_extack=%" PRIu64
		       " errors_core_no_extack=%" PRIu64 " errors_bad=%" PRIu64
		       " acks=%" PRIu64 " dumps_abandoned=%" PRIu64
		       " dump_parts=%" PRIu64 " send_errors=%" PRIu64
		       " recv_errors=%" PRIu64 " seconds=%.1f rate=%.0f/s\n",
		       seed, sent, sum[6], sum[10], sum[0], sum[1], sum[2],
		       sum[3], sum[4], sum[5], sum[9], sum[7], sum[8], t0,
		       sent / (t0 > 0 ? t0 : 1));
	}
	return tap_fail ? 1 : 0;
}
