// SPDX-License-Identifier: GPL-2.0
/*
 * smbsignctl: generic netlink plumbing over libmnl, with extack.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/smbsign.h>

#include "smbsignctl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct talk_ctx {
	genl_reply_fn fn;
	void *arg;
	int error;
	char extack[256];
};

static int parse_extack_cb(const struct nlattr *attr, void *data)
{
	struct talk_ctx *t = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(t->extack, sizeof(t->extack), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct talk_ctx *t = data;
	size_t off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		t->error = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* the echoed request, unless capped, precedes the TLVs */
		bool ok = true;

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			ok = err->msg.nlmsg_len >= sizeof(struct nlmsghdr) &&
			     err->msg.nlmsg_len <= nlh->nlmsg_len;
			if (ok)
				off += err->msg.nlmsg_len -
				       sizeof(struct nlmsghdr);
		}
		if (ok && mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, off, parse_extack_cb, t);
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	t->error = -err->error;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *t = data;

	return t->fn ? t->fn(nlh, t->arg) : MNL_CB_OK;
}

/* A dump ends with NLMSG_DONE, whose payload is the dump's error code. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *t = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		err = *(int *)mnl_nlmsg_get_payload(nlh);
	if (err >= 0)
		return MNL_CB_STOP;
	t->error = -err;
	return MNL_CB_ERROR;
}

/* With a control array, libmnl applies no defaults: list every type. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* What an EPERM means, per request. */
static const char *eperm_text(const char *what)
{
	if (!strcmp(what, "policy-set") || !strcmp(what, "stats-reset"))
		return "needs CAP_NET_ADMIN in the initial user namespace";
	return "needs CAP_NET_ADMIN over this network namespace";
}

/*
 * Send @nlh and read replies until the ACK, DONE or an error.  Returns 0 or
 * a positive errno; the kernel's extack message, if any, has been printed.
 */
enum talk_quiet {
	TALK_LOUD,		/* report every error */
	TALK_QUIET,		/* report none */
	TALK_QUIET_INTR,	/* report all but an interrupted dump */
};

static int talk(struct genl *g, struct nlmsghdr *nlh, genl_reply_fn fn,
		void *arg, const char *what, enum talk_quiet quiet)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct talk_ctx t = { .fn = fn, .arg = arg };
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0) {
		if (quiet != TALK_QUIET)
			fprintf(stderr, "%s: %s: %s\n", prog, what,
				strerror(errno));
		return errno;
	}
	for (;;) {
		n = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (n < 0) {
			t.error = errno;
			break;
		}
		ret = mnl_cb_run2(buf, n, seq, g->portid, data_cb, &t,
				  ctl_cbs, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR && !t.error)
			t.error = errno ? errno : EIO;
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (t.error && quiet != TALK_QUIET &&
	    !(quiet == TALK_QUIET_INTR && t.error == EINTR)) {
		if (t.error == EPERM)
			fprintf(stderr, "%s: %s: %s\n", prog, what,
				eperm_text(what));
		else if (t.extack[0])
			fprintf(stderr, "%s: %s: %s (%s)\n", prog, what,
				t.extack, strerror(t.error));
		else
			fprintf(stderr, "%s: %s: %s\n", prog, what,
				strerror(t.error));
	}
	return t.error;
}

struct nlmsghdr *genl_msg(struct genl *g, char *buf, uint8_t cmd,
			  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *gh;

	nlh->nlmsg_type = g->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++g->seq;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = SMBSIGN_FAMILY_VERSION;
	return nlh;
}

int genl_talk(struct genl *g, struct nlmsghdr *nlh, genl_reply_fn fn,
	      void *arg, const char *what)
{
	return talk(g, nlh, fn, arg, what, TALK_LOUD);
}

/*
 * A dump of @cmd, started again (after @restart(@arg), on a new socket)
 * when the kernel flags it NLM_F_DUMP_INTR (libmnl: EINTR) because the set
 * changed under it, up to GENL_DUMP_TRIES times; errors are reported as
 * genl_talk() does.
 */
#define GENL_DUMP_TRIES	10
int genl_dump(struct genl *g, uint8_t cmd, genl_reply_fn fn,
	      void (*restart)(void *arg), void *arg, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err, i;

	for (i = 1; ; i++) {
		struct nlmsghdr *nlh = genl_msg(g, buf, cmd, NLM_F_DUMP);
		bool last = i == GENL_DUMP_TRIES;

		err = talk(g, nlh, fn, arg, what,
			   last ? TALK_LOUD : TALK_QUIET_INTR);
		if (err != EINTR || last)
			break;
		/*
		 * The kernel still sends the rest of the interrupted dump:
		 * start again on a new socket, not behind those messages.
		 */
		genl_close(g);
		if (genl_open(g))
			return EIO;
		restart(arg);
	}
	return err;
}

static int grp_cb(const struct nlattr *attr, void *data)
{
	struct genl *g = data;
	struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, attr) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, SMBSIGN_MCGRP_EVENTS))
		g->events_group = id;
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct genl *g = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			g->family = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_parse_nested(attr, grp_cb, g);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, arg);
	return MNL_CB_OK;
}

int genl_open(struct genl *g)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(g, 0, sizeof(*g));
	g->seq = time(NULL);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl) {
		fprintf(stderr, "%s: netlink socket: %s\n", prog,
			strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "%s: netlink bind: %s\n", prog,
			strerror(errno));
		goto err;
	}
	g->portid = mnl_socket_get_portid(g->nl);
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));

	g->family = GENL_ID_CTRL;
	nlh = genl_msg(g, buf, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SMBSIGN_FAMILY_NAME);
	g->family = 0;
	err = talk(g, nlh, family_cb, g, "resolve family", TALK_QUIET);
	if (err == ENOENT || (!err && !g->family)) {
		fprintf(stderr,
			"%s: smbsign is not loaded: run modprobe smbsign\n",
			prog);
		goto err;
	}
	if (err) {
		fprintf(stderr, "%s: looking up the smbsign family: %s\n",
			prog, strerror(err));
		goto err;
	}
	return 0;

err:
	mnl_socket_close(g->nl);
	g->nl = NULL;
	return -1;
}

void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	g->nl = NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int genl_monitor(struct genl *g, genl_reply_fn fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int grp = g->events_group;
	ssize_t n;

	if (!grp) {
		fprintf(stderr, "%s: the smbsign family has no events group\n",
			prog);
		return 1;
	}
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0) {
		if (errno == EPERM)
			fprintf(stderr,
				"%s: monitor: %s\n", prog,
				eperm_text("monitor"));
		else
			fprintf(stderr, "%s: joining the events group: %s\n",
				prog, strerror(errno));
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		n = mnl_socket_recvfrom(g->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: events lost (ENOBUFS)\n",
					prog);
				continue;
			}
			fprintf(stderr, "%s: monitor: %s\n", prog,
				strerror(errno));
			return 1;
		}
		if (mnl_cb_run(buf, n, 0, 0, fn, arg) < 0 && errno != EINTR)
			fprintf(stderr, "%s: bad event: %s\n", prog,
				strerror(errno));
		fflush(stdout);
	}
	return 0;
}
