// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_faults: allocation-failure sweeps from userspace, for the guest
 * test tools/testing/qemu/guest-tests/faults.sh.  Prints TAP.
 *
 *   smbsign_faults netlink [SESSIONS]
 *	every command of the "smbsign" generic netlink family (policy get
 *	and set, stats get and reset, the sessions dump): with
 *	/proc/thread-self/fail-nth at 1, 2, 3, ... until a request runs
 *	with no failure injected.  A request that fails must fail with
 *	ENOMEM or ENOBUFS (from sendmsg, in the error ack, or the ack
 *	itself lost), leave the policy as it was (a lost ack: as it was or
 *	as asked, nothing else), and a request that succeeds must have done
 *	exactly what was asked.  SESSIONS is how many sessions the dump
 *	must list.
 *
 *   smbsign_faults netns
 *	unshare(CLONE_NEWNET) with fail-nth at 1, 2, 3, ...: every namespace
 *	subsystem's init, smbsign's among them (and the exits of those set
 *	up when a later one fails).  A failure must leave the process in its
 *	namespace (its error is counted: ENOMEM, or what the network core
 *	returns); the namespace that is finally made must start with
 *	init_net's policy.
 *
 *   smbsign_faults insmod MODULE.ko
 *	init_module(2) of smbsign with fail-nth at 1, 2, 3, ...: every
 *	failed load returns ENOMEM and leaves nothing behind (no
 *	/sys/module/smbsign, no "smbsign" family); a load that succeeds with
 *	a failure absorbed must work and is unloaded again; the sweep ends
 *	at the first load with no failure injected, which stays loaded.
 *
 * The process locks its memory first, so that its own page faults are
 * not where a failure lands.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/smbsign.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define MAX_POINTS	20000
#define BUFSZ		(64 * 1024)

static int tap_n, tap_fail;
static int nth_fd = -1;
/* FAULTS_STRIDE=k: arm fail-nth at 1, 1+k, 1+2k, ... (slow debug kernels) */
static unsigned int stride = 1;
static uint16_t family;
static int events_group = -1;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- fail-nth ---- */

static void nth_open(void)
{
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0) {
		printf("1..0 # SKIP no /proc/thread-self/fail-nth: %s\n",
		       strerror(errno));
		exit(0);
	}
}

static void nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("fail-nth write");
		exit(1);
	}
}

/* Disarm; return what was left: 0 when the failure was injected. */
static unsigned int nth_disarm(void)
{
	char buf[16] = "";
	unsigned int left;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0) {
		perror("fail-nth read");
		exit(1);
	}
	left = strtoul(buf, NULL, 10);
	nth_arm(0);
	return left;
}

/* Our own page faults must not be where a failure lands. */
static void lock_memory(void)
{
	volatile char stack[256 * 1024];

	memset((char *)stack, 0, sizeof(stack));
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		diag("mlockall: %s (the sweep may hit our own page faults)",
		     strerror(errno));
}

/* ---- netlink ---- */

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[256];
};

static char *put_attr(char *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return p + NLA_HDRLEN + NLA_ALIGN(len);
}

static int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("netlink socket");
		exit(1);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static void req_init(struct req *r, uint16_t type, uint8_t cmd, uint16_t flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = 1;
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
}

static void req_end(struct req *r, char *end)
{
	r->nh.nlmsg_len = end - (char *)r;
}

/* What one request did. */
struct outcome {
	int send_err;		/* errno of sendmsg, 0 if it was sent */
	int recv_err;		/* errno of recv (e.g. a lost ack), or 0 */
	int ack_err;		/* the ack's error (positive errno), or 0 */
	bool extack;		/* the error ack had an extack message */
	bool acked;		/* an ack (or NLMSG_DONE) was received */
	int nreplies;		/* replies (messages of the family) */
	bool intr;		/* NLM_F_DUMP_INTR seen */
	char reply[4096];	/* the attributes of the first reply */
	int reply_len;
};

static void nl_exchange(int fd, struct req *r, struct outcome *o)
{
	static char buf[BUFSZ];
	ssize_t n;

	memset(o, 0, sizeof(*o));
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0) {
		o->send_err = errno;
		return;
	}
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->recv_err = errno;
			return;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				o->intr = true;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				o->ack_err = -e->error;
				o->extack = e->error &&
					    (nh->nlmsg_flags & NLM_F_ACK_TLVS);
				o->acked = true;
				/* a dump's error ends it; a do's ack ends it */
				return;
			}
			/* the end of a dump (no ack follows), maybe an error */
			if (nh->nlmsg_type == NLMSG_DONE) {
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					o->ack_err = -*(int *)NLMSG_DATA(nh);
				o->acked = true;
				return;
			}
			if (!o->nreplies++) {
				int len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				if (len > (int)sizeof(o->reply))
					len = sizeof(o->reply);
				o->reply_len = len;
				memcpy(o->reply, (char *)NLMSG_DATA(nh) + GENL_HDRLEN,
				       len);
			}
		}
	}
}

/* The id of the "events" group in a CTRL_ATTR_MCAST_GROUPS nest. */
static int mcast_group(struct nlattr *groups)
{
	struct nlattr *g, *a;
	int glen, len;

	for (glen = groups->nla_len - NLA_HDRLEN,
	     g = (struct nlattr *)((char *)groups + NLA_HDRLEN);
	     glen >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= glen;
	     glen -= NLA_ALIGN(g->nla_len),
	     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
		int id = -1;
		bool events = false;

		for (len = g->nla_len - NLA_HDRLEN,
		     a = (struct nlattr *)((char *)g + NLA_HDRLEN);
		     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		     a->nla_len <= len;
		     len -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(uint32_t *)((char *)a + NLA_HDRLEN);
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
			    !strcmp((char *)a + NLA_HDRLEN, "events"))
				events = true;
		}
		if (events)
			return id;
	}
	return -1;
}

/*
 * The family id, looked up without faults, from a dump of every family: a
 * lookup by name would make the kernel load the module.
 */
static int resolve_family(void)
{
	static char buf[BUFSZ];
	struct req r;
	int fd = nl_socket();
	int id = -ENOENT;
	ssize_t n;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0) {
		close(fd);
		return -errno;
	}
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			id = -errno;
			break;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct nlattr *a;
			int len, fid = -1, grp = -1;
			bool ours = false;

			if (nh->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return id;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return id;
			}
			len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			for (a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
						   GENL_HDRLEN);
			     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			     a->nla_len <= len;
			     len -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a +
						   NLA_ALIGN(a->nla_len))) {
				if (a->nla_type == CTRL_ATTR_FAMILY_ID)
					fid = *(uint16_t *)((char *)a + NLA_HDRLEN);
				if (a->nla_type == CTRL_ATTR_FAMILY_NAME &&
				    !strcmp((char *)a + NLA_HDRLEN,
					    SMBSIGN_FAMILY_NAME))
					ours = true;
				if ((a->nla_type & NLA_TYPE_MASK) ==
				    CTRL_ATTR_MCAST_GROUPS)
					grp = mcast_group(a);
			}
			if (ours && fid >= 0) {
				id = fid;
				events_group = grp;
			}
		}
	}
	close(fd);
	return id;
}

/* The policy as the kernel reports it (the attributes of a get). */
struct policy_blob {
	char data[1024];
	int len;
};

static void policy_read(struct policy_blob *p)
{
	struct outcome o;
	struct req r;
	int fd = nl_socket();

	req_init(&r, family, SMBSIGN_CMD_POLICY_GET, 0);
	nl_exchange(fd, &r, &o);
	close(fd);
	if (o.send_err || o.recv_err || o.ack_err || !o.nreplies) {
		fprintf(stderr, "policy get failed: %d %d %d\n", o.send_err,
			o.recv_err, o.ack_err);
		exit(1);
	}
	p->len = o.reply_len;
	memcpy(p->data, o.reply, o.reply_len);
}

static bool policy_eq(const struct policy_blob *a, const struct policy_blob *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* A policy set request: client and server, every field and a list. */
static void set_req(struct req *r, uint8_t require, uint8_t audit,
		    uint8_t guest, const uint32_t *algs, int nalgs)
{
	char *p = r->attrs;
	int d, i;

	req_init(r, family, SMBSIGN_CMD_POLICY_SET, 0);
	for (d = SMBSIGN_A_POLICY_CLIENT; d <= SMBSIGN_A_POLICY_SERVER; d++) {
		struct nlattr *nest = (struct nlattr *)p;

		p += NLA_HDRLEN;
		p = put_attr(p, SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING,
			     &require, 1);
		p = put_attr(p, SMBSIGN_A_DIR_POLICY_AUDIT, &audit, 1);
		p = put_attr(p, SMBSIGN_A_DIR_POLICY_ALLOW_GUEST, &guest, 1);
		for (i = 0; i < nalgs; i++)
			p = put_attr(p, SMBSIGN_A_DIR_POLICY_ALG, &algs[i], 4);
		nest->nla_type = d | NLA_F_NESTED;
		nest->nla_len = p - (char *)nest;
	}
	req_end(r, p);
}

static void set_plain(uint8_t require, uint8_t audit, uint8_t guest,
		      const uint32_t *algs, int nalgs)
{
	struct outcome o;
	struct req r;
	int fd = nl_socket();

	set_req(&r, require, audit, guest, algs, nalgs);
	nl_exchange(fd, &r, &o);
	close(fd);
	if (o.send_err || o.recv_err || o.ack_err) {
		fprintf(stderr, "policy set failed: %d %d %d\n", o.send_err,
			o.recv_err, o.ack_err);
		exit(1);
	}
}

static const uint32_t algs_all[] = { 2, 1, 0 };
static const uint32_t algs_hmac[] = { 0 };

/* The policy every attempt starts from, and the one it asks for. */
static void policy_base(void)
{
	set_plain(1, 0, 0, algs_all, 3);
}

static void policy_target(void)
{
	set_plain(0, 1, 1, algs_hmac, 1);
}

enum op { OP_POLICY_GET, OP_POLICY_SET, OP_STATS_GET, OP_STATS_RESET,
	  OP_SESSION_DUMP, OP_COUNT };

static const char *const op_name[OP_COUNT] = {
	"policy-get", "policy-set", "stats-get", "stats-reset",
	"session-get dump",
};

static void op_req(enum op op, struct req *r)
{
	switch (op) {
	case OP_POLICY_GET:
		req_init(r, family, SMBSIGN_CMD_POLICY_GET, 0);
		break;
	case OP_POLICY_SET:
		set_req(r, 0, 1, 1, algs_hmac, 1);
		break;
	case OP_STATS_GET:
		req_init(r, family, SMBSIGN_CMD_STATS_GET, 0);
		break;
	case OP_STATS_RESET:
		req_init(r, family, SMBSIGN_CMD_STATS_RESET, 0);
		break;
	default:
		req_init(r, family, SMBSIGN_CMD_SESSION_GET, NLM_F_DUMP);
		break;
	}
}

static int events_seen;

/* Read what a listener got (an overrun is a lost event, not an error). */
static int drain(int fd)
{
	static char buf[BUFSZ];
	int before = events_seen;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 ||
	       (n < 0 && errno == ENOBUFS)) {
		struct nlmsghdr *nh;

		if (n < 0)
			continue;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n))
			if (nh->nlmsg_type == family)
				events_seen++;
	}
	return events_seen - before;
}

static bool is_nomem(int e)
{
	return e == ENOMEM || e == ENOBUFS;
}

/* Sweep one command; return its number of injection points. */
static int sweep(enum op op, int sessions)
{
	struct policy_blob base, target, now;
	struct outcome o, ref;
	int failed = 0, absorbed = 0, lost = 0, bad = 0, badstate = 0;
	int points = -1, extack = 0, listener = -1, got;
	unsigned int n, left;
	struct req r;
	int fd;

	policy_target();
	policy_read(&target);
	policy_base();
	policy_read(&base);

	/* the reference answer, without faults */
	op_req(op, &r);
	fd = nl_socket();
	nl_exchange(fd, &r, &ref);
	close(fd);
	if (ref.send_err || ref.recv_err || ref.ack_err) {
		ok(false, "%s without faults: send %d recv %d ack %d",
		   op_name[op], ref.send_err, ref.recv_err, ref.ack_err);
		return -1;
	}
	if (op == OP_POLICY_SET)
		policy_base();
	/* a listener, so that a policy change also sends its event */
	if (op == OP_POLICY_SET && events_group >= 0) {
		listener = nl_socket();
		if (setsockopt(listener, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &events_group, sizeof(events_group)))
			diag("joining the events group: %s", strerror(errno));
		policy_target();
		policy_base();
		if (!drain(listener)) {
			diag("%s: no policy events on this kernel", op_name[op]);
			close(listener);
			listener = -1;
		}
	}

	for (n = 1; n <= MAX_POINTS; n += stride) {
		bool success, state_ok = true;

		op_req(op, &r);
		fd = nl_socket();
		nth_arm(n);
		nl_exchange(fd, &r, &o);
		left = nth_disarm();
		close(fd);
		got = listener >= 0 ? drain(listener) : 0;

		success = !o.send_err && !o.recv_err && !o.ack_err && o.acked;
		if (o.intr)
			success = false;
		if (op == OP_POLICY_SET) {
			policy_read(&now);
			if (success)
				state_ok = policy_eq(&now, &target);
			else if (o.recv_err)	/* the ack is lost: either */
				state_ok = policy_eq(&now, &target) ||
					   policy_eq(&now, &base);
			else
				state_ok = policy_eq(&now, &base);
			/* an event for a change that did not happen is wrong */
			if (got && policy_eq(&now, &base))
				state_ok = false;
			/* with nothing injected, the listener hears of it */
			if (listener >= 0 && left && !got)
				state_ok = false;
			policy_base();
			if (listener >= 0)
				drain(listener);
		} else if (success && op != OP_STATS_RESET) {
			/* the whole answer, and the same as without faults */
			state_ok = o.nreplies == ref.nreplies &&
				   (op == OP_SESSION_DUMP ||
				    (o.reply_len == ref.reply_len &&
				     !memcmp(o.reply, ref.reply, o.reply_len)));
		}
		if (!state_ok) {
			if (!badstate++)
				diag("%s: fault %u: state or answer wrong (send %d recv %d ack %d, %d replies of %d)",
				     op_name[op], n, o.send_err, o.recv_err,
				     o.ack_err, o.nreplies, ref.nreplies);
		}
		if (!success) {
			int e = o.send_err ?: o.recv_err ?: o.ack_err;

			if (!is_nomem(e) && !o.intr) {
				if (!bad++)
					diag("%s: fault %u: error %d (%s), want ENOMEM or ENOBUFS",
					     op_name[op], n, e, strerror(e));
			}
			if (o.recv_err)
				lost++;
			else
				failed++;
			extack += o.extack;
			if (left) {
				/* failed with nothing injected */
				if (!bad++)
					diag("%s: failed with no fault injected (n=%u left=%u)",
					     op_name[op], n, left);
				points = n - left;
				break;
			}
			continue;
		}
		if (!left) {
			absorbed++;
			continue;
		}
		points = n - left;
		break;
	}
	if (listener >= 0) {
		diag("%s: the listener got %d events", op_name[op], events_seen);
		close(listener);
	}
	if (op == OP_SESSION_DUMP)
		ok(ref.nreplies >= sessions,
		   "session-get dump lists the %d sessions (%d)", sessions,
		   ref.nreplies);
	ok(points >= 0 && !bad && !badstate,
	   "%s: %d injection points: %d failed as documented (%d with extack), %d acks lost, %d absorbed; %d wrong errors, %d wrong states",
	   op_name[op], points, failed, extack, lost, absorbed, bad,
	   badstate);
	return points;
}

static int cmd_netlink(int sessions)
{
	struct policy_blob orig;
	int op, fam, total = 0;

	fam = resolve_family();
	if (fam < 0) {
		printf("1..0 # SKIP no smbsign family: %s\n", strerror(-fam));
		return 0;
	}
	family = fam;
	printf("TAP version 13\n1..%d\n", OP_COUNT + 1);
	policy_read(&orig);
	for (op = 0; op < OP_COUNT; op++) {
		int p = sweep(op, sessions);

		total += p > 0 ? p : 0;
	}
	/* back to the policy found (it is the module's defaults) */
	{
		struct outcome o;
		struct req r;
		int fd = nl_socket();

		req_init(&r, family, SMBSIGN_CMD_POLICY_SET, 0);
		memcpy(r.attrs, orig.data, orig.len);
		r.nh.nlmsg_len += orig.len;
		nl_exchange(fd, &r, &o);
		close(fd);
		if (o.send_err || o.recv_err || o.ack_err)
			diag("restoring the policy: %d %d %d", o.send_err,
			     o.recv_err, o.ack_err);
	}
	diag("netlink: %d injection points over %d commands", total,
	     OP_COUNT);
	return tap_fail ? 1 : 0;
}

/* ---- a new network namespace (smbsign's pernet init among the rest) ---- */

static ino_t netns_ino(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) ? 0 : st.st_ino;
}

static int cmd_netns(void)
{
	int failed = 0, absorbed = 0, bad = 0, badstate = 0, points = -1;
	int other = 0;
	struct policy_blob init, now;
	unsigned int n, left;
	ino_t home;
	int orig, fam, ret, e;

	fam = resolve_family();
	if (fam < 0) {
		printf("1..0 # SKIP no smbsign family: %s\n", strerror(-fam));
		return 0;
	}
	family = fam;
	printf("TAP version 13\n1..1\n");
	orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	home = netns_ino();
	if (orig < 0 || !home) {
		perror("/proc/thread-self/ns/net");
		return 1;
	}
	policy_read(&init);

	for (n = 1; n <= MAX_POINTS; n += stride) {
		nth_arm(n);
		ret = unshare(CLONE_NEWNET);
		e = errno;
		left = nth_disarm();

		if (ret) {
			/*
			 * smbsign's init fails with ENOMEM only (the KUnit
			 * suite checks it); other subsystems' may not.
			 */
			if (e != ENOMEM) {
				if (!other++)
					diag("fault %u: unshare(CLONE_NEWNET): %s (from the network core)",
					     n, strerror(e));
			} else {
				failed++;
			}
			if (netns_ino() != home && !badstate++)
				diag("fault %u: failed, but in another namespace", n);
			if (left) {
				if (!bad++)
					diag("unshare failed with no fault injected: %s",
					     strerror(e));
				break;
			}
			continue;
		}
		/* the new namespace starts with init_net's policy */
		policy_read(&now);
		if (!policy_eq(&now, &init) && !badstate++)
			diag("fault %u: the new namespace's policy is not init_net's",
			     n);
		if (setns(orig, CLONE_NEWNET)) {
			perror("setns");
			return 1;
		}
		if (left) {
			points = n - left;
			break;
		}
		absorbed++;
	}
	ok(points > 0 && !bad && !badstate,
	   "new network namespace: %d injection points: %d failed with ENOMEM, %d with another error, %d failures absorbed; %d wrong states",
	   points, failed, other, absorbed, badstate + bad);
	close(orig);
	return tap_fail ? 1 : 0;
}

/* ---- module init ---- */

static bool module_present(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !stat(path, &st);
}

static int cmd_insmod(const char *path)
{
	int failed = 0, absorbed = 0, bad = 0, halfway = 0, noload = 0;
	int sigcheck = 0, points = -1;
	double t0, t;
	struct timespec ts;
	struct stat st;
	unsigned int n, left;
	char *image;
	int fd, ret, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		printf("1..0 # SKIP %s: %s\n", path, strerror(errno));
		return 0;
	}
	image = malloc(st.st_size);
	if (!image || read(fd, image, st.st_size) != st.st_size) {
		perror(path);
		return 1;
	}
	close(fd);
	printf("TAP version 13\n1..2\n");
	if (module_present("smbsign")) {
		ok(false, "smbsign is not loaded before the sweep");
		return 1;
	}
	ok(true, "smbsign is not loaded before the sweep");
	lock_memory();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;

	for (n = 1; n <= MAX_POINTS; n += stride) {
		nth_arm(n);
		ret = syscall(SYS_init_module, image, (unsigned long)st.st_size,
			      "");
		e = errno;
		left = nth_disarm();

		if (ret) {
			if (e == EKEYREJECTED || e == EBADMSG || e == ENOKEY) {
				/*
				 * the kernel's check of the module signature
				 * (PKCS#7 parser, crypto) failed to allocate
				 * and said so its own way, before smbsign's
				 * init ran (smbsign never returns these)
				 */
				if (!sigcheck++)
					diag("fault %u: init_module: %s (module signature check, before smbsign's init)",
					     n, strerror(e));
			} else if (e != ENOMEM) {
				bad++;
				diag("fault %u: init_module: %s, want ENOMEM",
				     n, strerror(e));
			} else {
				failed++;
			}
			if (module_present("smbsign") || resolve_family() >= 0) {
				if (!halfway++)
					diag("fault %u: load failed but smbsign is still there (/sys/module or the family)",
					     n);
			}
			if (left) {
				if (!noload++)
					diag("init_module failed with no fault injected: %s",
					     strerror(e));
				break;
			}
			continue;
		}
		/* loaded: it must work */
		if (resolve_family() < 0 && !halfway++)
			diag("fault %u: loaded, but no smbsign family", n);
		if (left) {
			points = n - left;
			break;
		}
		absorbed++;
		if (syscall(SYS_delete_module, "smbsign", O_NONBLOCK)) {
			diag("fault %u: cannot unload: %s", n, strerror(errno));
			bad++;
			break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = ts.tv_sec + ts.tv_nsec / 1e9 - t0;
	ok(points > 0 && !bad && !halfway && !noload,
	   "insmod smbsign: %d injection points: %d loads failed with ENOMEM, %d in the signature check, %d failures absorbed; %d wrong errors, %d half-loaded (%.1f s)",
	   points, failed, sigcheck, absorbed, bad, halfway, t);
	free(image);
	return tap_fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *st = getenv("FAULTS_STRIDE");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (st && *st) {
		stride = strtoul(st, NULL, 10);
		if (!stride || stride > 1000) {
			fprintf(stderr, "smbsign_faults: bad FAULTS_STRIDE: %s\n", st);
			return 2;
		}
	}
	if (argc >= 2 && !strcmp(argv[1], "netlink")) {
		nth_open();
		lock_memory();
		return cmd_netlink(argc > 2 ? atoi(argv[2]) : 0);
	}
	if (argc == 2 && !strcmp(argv[1], "netns")) {
		nth_open();
		lock_memory();
		return cmd_netns();
	}
	if (argc == 3 && !strcmp(argv[1], "insmod")) {
		nth_open();
		return cmd_insmod(argv[2]);
	}
	fprintf(stderr, "usage: smbsign_faults netlink [SESSIONS] | netns | insmod MODULE.ko\n");
	return 2;
}
