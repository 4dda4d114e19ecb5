// SPDX-License-Identifier: GPL-2.0
/*
 * nlbad: send malformed requests to the smbsign family and check that each
 * is rejected with an extack message and changes nothing.  Prints KTAP
 * lines numbered from argv[1] (default 1).  Needs CAP_NET_ADMIN.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/smbsign.h>

#include "../smbsignctl.h"

const char *prog = "nlbad";
bool json;

#define SNAP_SIZE 8192

static char saved[SNAP_SIZE];
static size_t saved_len;

static int save_reply(const struct nlmsghdr *nlh, void *arg)
{
	const char *p = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);

	(void)arg;
	/* skip the genl header: compare the attributes only */
	if (len - GENL_HDRLEN > SNAP_SIZE)
		return MNL_CB_ERROR;
	memcpy(saved, p + GENL_HDRLEN, len - GENL_HDRLEN);
	saved_len = len - GENL_HDRLEN;
	return MNL_CB_OK;
}

static int snapshot(struct genl *g, char *out, size_t *len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = genl_msg(g, buf, SMBSIGN_CMD_POLICY_GET, 0);

	if (genl_talk(g, nlh, save_reply, NULL, "policy-get"))
		return -1;
	memcpy(out, saved, saved_len);
	*len = saved_len;
	return 0;
}

int main(int argc, char **argv)
{
	char before[SNAP_SIZE], after[SNAP_SIZE];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t blen, alen;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct genl g;
	int n = argc > 1 ? atoi(argv[1]) : 1, i, err, bad = 0;

	if (genl_open(&g) || snapshot(&g, before, &blen))
		return 1;

	for (i = 0; i < 8; i++) {
		const char *name = "";
		uint8_t cmd = SMBSIGN_CMD_POLICY_SET;
		int want = EINVAL;

		if (i == 6)
			cmd = 200;
		nlh = genl_msg(&g, buf, cmd, 0);
		switch (i) {
		case 0:
			name = "wrong type (u32 for u8)";
			nest = mnl_attr_nest_start(nlh, SMBSIGN_A_POLICY_CLIENT);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING, 0);
			mnl_attr_nest_end(nlh, nest);
			break;
		case 1:
			name = "value out of range";
			want = ERANGE;
			nest = mnl_attr_nest_start(nlh, SMBSIGN_A_POLICY_SERVER);
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING, 2);
			mnl_attr_nest_end(nlh, nest);
			break;
		case 2:
			name = "unknown top-level attribute";
			mnl_attr_put_u32(nlh, 77, 0);
			break;
		case 3:
			name = "unknown nested attribute";
			nest = mnl_attr_nest_start(nlh, SMBSIGN_A_POLICY_CLIENT);
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_AUDIT, 0);
			mnl_attr_put_u8(nlh, 42, 0);
			mnl_attr_nest_end(nlh, nest);
			break;
		case 4:
			name = "missing attributes";
			break;
		case 5:
			name = "oversize algorithm list";
			nest = mnl_attr_nest_start(nlh, SMBSIGN_A_POLICY_CLIENT);
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_AUDIT, 1);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG, 2);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG, 1);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG, 0);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG, 1);
			mnl_attr_nest_end(nlh, nest);
			break;
		case 6:
			name = "unknown command";
			want = EOPNOTSUPP;
			break;
		case 7:
			name = "unknown algorithm id";
			want = ERANGE;
			nest = mnl_attr_nest_start(nlh, SMBSIGN_A_POLICY_SERVER);
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG, 9);
			mnl_attr_nest_end(nlh, nest);
			break;
		}
		printf("# %s: ", name);
		fflush(stdout);
		/* genl_talk prints "nlbad: what: <extack> (<errno>)" */
		err = genl_talk(&g, nlh, NULL, NULL, name);
		if (err == want) {
			printf("ok %d - malformed: %s\n", n++, name);
		} else {
			printf("not ok %d - malformed: %s (errno %d, want %d)\n",
			       n++, name, err, want);
			bad++;
		}
	}
	if (snapshot(&g, after, &alen) || alen != blen ||
	    memcmp(before, after, blen)) {
		printf("not ok %d - malformed requests changed nothing\n", n);
		bad++;
	} else {
		printf("ok %d - malformed requests changed nothing\n", n);
	}
	genl_close(&g);
	return bad ? 1 : 0;
}
