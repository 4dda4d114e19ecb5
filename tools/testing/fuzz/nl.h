/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink helpers for the smbsign test programs
 * (smbsign-nlfuzz, smbsign-keyscan): no libmnl, so that a request can be
 * any sequence of bytes.  Header-only, static functions.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef SMBSIGN_TEST_NL_H
#define SMBSIGN_TEST_NL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NLT_ALIGN(len)	(((len) + 3U) & ~3U)

/* A generic netlink socket with extended ACKs and capped ACKs. */
static inline int nlt_open(void)
{
	int fd, one = 1, rcv = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return fd;
}

/* Append an attribute to the message in buf (nlmsg_len is updated). */
static inline void *nlt_put(void *buf, uint16_t type, const void *data,
			    uint16_t len)
{
	struct nlmsghdr *nlh = buf;
	struct nlattr *nla = (struct nlattr *)((char *)buf +
					       NLT_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0,
	       NLT_ALIGN(nla->nla_len) - nla->nla_len);
	nlh->nlmsg_len = NLT_ALIGN(nlh->nlmsg_len) + NLT_ALIGN(nla->nla_len);
	return nla;
}

static inline struct nlattr *nlt_nest_start(void *buf, uint16_t type)
{
	return nlt_put(buf, type | NLA_F_NESTED, NULL, 0);
}

static inline void nlt_nest_end(void *buf, struct nlattr *nest)
{
	struct nlmsghdr *nlh = buf;

	nest->nla_len = (char *)buf + nlh->nlmsg_len - (char *)nest;
}

/* Start a generic netlink request in buf. */
static inline struct nlmsghdr *nlt_genl(void *buf, uint16_t type,
					uint8_t cmd, uint16_t flags,
					uint32_t seq)
{
	struct nlmsghdr *nlh = buf;
	struct genlmsghdr *g = (struct genlmsghdr *)((char *)buf +
						     NLMSG_HDRLEN);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* Find attribute type in [attrs, attrs + len); NULL if absent. */
static inline const struct nlattr *nlt_find(const void *attrs, size_t len,
					    uint16_t type)
{
	const char *p = attrs;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (NLT_ALIGN(a->nla_len) >= len)
			return NULL;
		len -= NLT_ALIGN(a->nla_len);
		p += NLT_ALIGN(a->nla_len);
	}
	return NULL;
}

/*
 * The extack message of an NLMSG_ERROR, or NULL.  NETLINK_CAP_ACK is set
 * on our sockets, so the TLVs follow the request's header alone unless the
 * kernel says otherwise (NLM_F_CAPPED).
 */
static inline const char *nlt_extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	if (nlh->nlmsg_len < off || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLT_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	if (off >= nlh->nlmsg_len)
		return NULL;
	a = nlt_find((const char *)nlh + off, nlh->nlmsg_len - off,
		     NLMSGERR_ATTR_MSG);
	if (!a || a->nla_len <= NLA_HDRLEN)
		return NULL;
	return (const char *)a + NLA_HDRLEN;
}

/*
 * Send one request and wait for its reply on fd.  cb is called for each
 * data message (not for errors and ACKs).  Returns the reply's error
 * (0 or a negative errno) or -errno of the socket.
 */
static inline int nlt_talk(int fd, void *req,
			   void (*cb)(const struct nlmsghdr *, void *),
			   void *arg)
{
	static char rbuf[1 << 17];
	struct nlmsghdr *q = req;
	bool dump = (q->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, req, q->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != q->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (cb)
				cb(h, arg);
			if (!dump && !(q->nlmsg_flags & NLM_F_ACK))
				return 0;
		}
	}
}

static void nlt_family_cb(const struct nlmsghdr *h, void *arg)
{
	const char *attrs = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *a = nlt_find(attrs, len, CTRL_ATTR_FAMILY_ID);
	const struct nlattr *grps, *g;
	uint32_t *ids = arg;

	if (a)
		memcpy(&ids[0], (const char *)a + NLA_HDRLEN, sizeof(uint16_t));
	grps = nlt_find(attrs, len, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return;
	/* the first group: smbsign has one, "events" */
	g = nlt_find((const char *)grps + NLA_HDRLEN,
		     grps->nla_len - NLA_HDRLEN, 1);
	if (!g)
		return;
	a = nlt_find((const char *)g + NLA_HDRLEN, g->nla_len - NLA_HDRLEN,
		     CTRL_ATTR_MCAST_GRP_ID);
	if (a)
		memcpy(&ids[1], (const char *)a + NLA_HDRLEN, sizeof(uint32_t));
}

/*
 * Resolve a generic netlink family: its id (returned, or -errno) and the
 * id of its first multicast group (*grp, 0 if none).
 */
static inline int nlt_family(int fd, const char *name, uint32_t *grp)
{
	char buf[256];
	uint32_t ids[2] = { 0, 0 };
	int err;

	nlt_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST, 1);
	nlt_put(buf, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	err = nlt_talk(fd, buf, nlt_family_cb, ids);
	if (err)
		return err;
	if (grp)
		*grp = ids[1];
	return ids[0] ? (int)ids[0] : -ENOENT;
}

#endif /* SMBSIGN_TEST_NL_H */
