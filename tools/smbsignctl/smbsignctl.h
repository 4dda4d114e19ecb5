/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smbsignctl: shared declarations.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#ifndef SMBSIGNCTL_H
#define SMBSIGNCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#define ALG_COUNT 3
#define DIR_COUNT 2

extern const char *prog;
extern bool json;

struct dir_policy {
	bool have_require, have_audit, have_guest;
	uint8_t require, audit, guest;
	int nalgs;
	uint32_t algs[ALG_COUNT];
};

struct policy {
	struct dir_policy dir[DIR_COUNT];
	bool have_pid;
	uint32_t pid, uid;
};

/* genl.c */
struct genl {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t events_group;
	unsigned int seq;
	uint32_t portid;
};

typedef int (*genl_reply_fn)(const struct nlmsghdr *nlh, void *arg);

int genl_open(struct genl *g);
void genl_close(struct genl *g);
struct nlmsghdr *genl_msg(struct genl *g, char *buf, uint8_t cmd,
			  uint16_t flags);
int genl_talk(struct genl *g, struct nlmsghdr *nlh, genl_reply_fn fn,
	      void *arg, const char *what);
int genl_dump(struct genl *g, uint8_t cmd, genl_reply_fn fn,
	      void (*restart)(void *arg), void *arg, const char *what);
int genl_monitor(struct genl *g, genl_reply_fn fn, void *arg);

/* policy.c */
void policy_parse(const struct nlmsghdr *nlh, struct policy *p);
void policy_put(struct nlmsghdr *nlh, const struct policy *p);
void policy_print(const struct policy *p, int only_dir, bool impl);
const char *alg_name(uint32_t alg);
const char *alg_short(uint32_t alg);
int parse_algs(const char *s, uint32_t *algs, int *nalgs);
void json_str(const char *s);

/* explain.c */
int cmd_explain(int argc, char **argv);

/* apply.c (presets from smbsignctl.c) */
int cmd_apply(struct genl *g, int argc, char **argv);
int preset_find(const char *name, bool *client, bool *server);

#endif
