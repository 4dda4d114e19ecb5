// SPDX-License-Identifier: GPL-2.0
/*
 * smbsignctl: show and set the SMB signing policy of the smbsign module.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/smbsign.h>

#include "smbsignctl.h"

const char *prog = "smbsignctl";
bool json;

static const char usage_line[] =
	"Usage: smbsignctl [-j] { show | set | preset | apply | stats | sessions | monitor | explain | help } ...\n";

static int usage_error(void)
{
	fputs(usage_line, stderr);
	fprintf(stderr, "Try '%s help'.\n", prog);
	return 2;
}

static int parse_dir(const char *s)
{
	if (!strcmp(s, "client") || !strcmp(s, "outbound"))
		return SMBSIGN_DIRECTION_CLIENT;
	if (!strcmp(s, "server") || !strcmp(s, "inbound"))
		return SMBSIGN_DIRECTION_SERVER;
	return -1;
}

static int parse_bool(const char *s, const char *yes, const char *no)
{
	if (!strcmp(s, yes) || !strcmp(s, "on") || !strcmp(s, "true") ||
	    !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, no) || !strcmp(s, "off") || !strcmp(s, "false") ||
	    !strcmp(s, "0"))
		return 0;
	return -1;
}

static int policy_reply(const struct nlmsghdr *nlh, void *arg)
{
	policy_parse(nlh, arg);
	return MNL_CB_OK;
}

static int get_policy(struct genl *g, struct policy *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = genl_msg(g, buf, SMBSIGN_CMD_POLICY_GET, 0);

	return genl_talk(g, nlh, policy_reply, p, "policy-get");
}

static int set_policy(struct genl *g, const struct policy *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = genl_msg(g, buf, SMBSIGN_CMD_POLICY_SET, 0);

	policy_put(nlh, p);
	return genl_talk(g, nlh, NULL, NULL, "policy-set");
}

static int cmd_show(struct genl *g, int argc, char **argv)
{
	struct policy p;
	int dir = -1;

	if (argc > 2)
		return usage_error();
	if (argc == 2) {
		dir = parse_dir(argv[1]);
		if (dir < 0) {
			fprintf(stderr, "%s: show: expected client or server, got \"%s\"\n",
				prog, argv[1]);
			return usage_error();
		}
	}
	if (genl_open(g) || get_policy(g, &p))
		return 1;
	/* the whole show adds which code signs */
	policy_print(&p, dir, dir < 0);
	return 0;
}

/*
 * set [client|server] require on|off
 * set [client|server] audit on|off
 * set [client|server] guest allow|block
 * set client|server algorithms LIST
 * Without a direction, both directions change.
 */
static int parse_set(int argc, char **argv, struct policy *p)
{
	int first = 0, last = DIR_COUNT - 1, d, v = 0, i = 1, nalgs = 0;
	uint32_t algs[ALG_COUNT];
	const char *what;

	memset(p, 0, sizeof(*p));
	if (argc > 1 && parse_dir(argv[1]) >= 0) {
		first = last = parse_dir(argv[1]);
		i++;
	}
	if (argc != i + 2)
		return -1;
	what = argv[i];
	if (!strcmp(what, "require") || !strcmp(what, "audit"))
		v = parse_bool(argv[i + 1], "on", "off");
	else if (!strcmp(what, "guest"))
		v = parse_bool(argv[i + 1], "allow", "block");
	else if (!strcmp(what, "algorithms") || !strcmp(what, "algs"))
		v = parse_algs(argv[i + 1], algs, &nalgs) ? -2 : 0;
	else
		return -1;
	if (v == -1)
		fprintf(stderr, "%s: set %s: bad value \"%s\"\n", prog, what,
			argv[i + 1]);
	if (v < 0)
		return -1;

	for (d = first; d <= last; d++) {
		struct dir_policy *dp = &p->dir[d];

		if (!strcmp(what, "require")) {
			dp->have_require = true;
			dp->require = v;
		} else if (!strcmp(what, "audit")) {
			dp->have_audit = true;
			dp->audit = v;
		} else if (!strcmp(what, "guest")) {
			dp->have_guest = true;
			dp->guest = v;
		} else {
			dp->nalgs = nalgs;
			memcpy(dp->algs, algs, sizeof(algs));
		}
	}
	return 0;
}

static int cmd_set(struct genl *g, int argc, char **argv)
{
	struct policy p;

	if (parse_set(argc, argv, &p)) {
		fprintf(stderr,
			"Usage: %s set [client|server] { require on|off | audit on|off | guest allow|block | algorithms gmac,cmac,hmac-sha256 }\n",
			prog);
		return 2;
	}
	if (genl_open(g))
		return 1;
	return set_policy(g, &p) ? 1 : 0;
}

/* The seed's table: which Windows editions require signing by default. */
static const struct preset {
	const char *name;
	bool client, server;
	const char *desc;
} presets[] = {
	{ "win11-24h2-pro", true, true,
	  "Windows 11 24H2 Pro: outbound and inbound signing required" },
	{ "win11-24h2-enterprise", true, true,
	  "Windows 11 24H2 Enterprise: outbound and inbound signing required" },
	{ "win11-24h2-education", true, true,
	  "Windows 11 24H2 Education: outbound and inbound signing required" },
	{ "server-2025", true, false,
	  "Windows Server 2025: outbound signing required, inbound not" },
	{ "win11-24h2-home", false, false,
	  "Windows 11 24H2 Home: signing required in neither direction" },
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

/* for apply.c: a preset's require-signing values; 0 or -1 if unknown */
int preset_find(const char *name, bool *client, bool *server)
{
	unsigned int i;

	for (i = 0; i < NPRESETS; i++)
		if (!strcmp(name, presets[i].name)) {
			*client = presets[i].client;
			*server = presets[i].server;
			return 0;
		}
	return -1;
}

static int cmd_preset(struct genl *g, int argc, char **argv)
{
	struct policy p;
	unsigned int i;

	if (argc != 2)
		goto usage;
	for (i = 0; i < NPRESETS; i++)
		if (!strcmp(argv[1], presets[i].name))
			break;
	if (i == NPRESETS) {
		fprintf(stderr, "%s: unknown preset \"%s\"\n", prog, argv[1]);
		goto usage;
	}
	memset(&p, 0, sizeof(p));
	p.dir[SMBSIGN_DIRECTION_CLIENT].have_require = true;
	p.dir[SMBSIGN_DIRECTION_CLIENT].require = presets[i].client;
	p.dir[SMBSIGN_DIRECTION_SERVER].have_require = true;
	p.dir[SMBSIGN_DIRECTION_SERVER].require = presets[i].server;
	if (genl_open(g) || set_policy(g, &p))
		return 1;
	if (!json)
		printf("%s\n", presets[i].desc);
	return 0;

usage:
	fprintf(stderr, "Usage: %s preset NAME\n", prog);
	for (i = 0; i < NPRESETS; i++)
		fprintf(stderr, "  %-22s %s\n", presets[i].name,
			presets[i].desc);
	return 2;
}

/* stats */
struct dir_stats {
	uint64_t v[SMBSIGN_A_DIR_STATS_MAX + 1];
	uint64_t alg[ALG_COUNT][SMBSIGN_A_ALG_STATS_MAX + 1];
};

struct stats {
	struct dir_stats dir[DIR_COUNT];
};

static uint64_t attr_uint(const struct nlattr *a)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		return mnl_attr_get_u8(a);
	case 2:
		return mnl_attr_get_u16(a);
	case 4:
		return mnl_attr_get_u32(a);
	case 8:
		return mnl_attr_get_u64(a);
	}
	return 0;
}

static int alg_stats_cb(const struct nlattr *attr, void *data)
{
	uint64_t *v = data;
	int type = mnl_attr_get_type(attr);

	if (type > 0 && type <= SMBSIGN_A_ALG_STATS_MAX)
		v[type] = attr_uint(attr);
	return MNL_CB_OK;
}

static int dir_stats_cb(const struct nlattr *attr, void *data)
{
	struct dir_stats *ds = data;
	int type = mnl_attr_get_type(attr);
	uint64_t v[SMBSIGN_A_ALG_STATS_MAX + 1] = { 0 };

	if (type == SMBSIGN_A_DIR_STATS_ALG_STATS) {
		mnl_attr_parse_nested(attr, alg_stats_cb, v);
		if (v[SMBSIGN_A_ALG_STATS_ALG] < ALG_COUNT)
			memcpy(ds->alg[v[SMBSIGN_A_ALG_STATS_ALG]], v,
			       sizeof(v));
	} else if (type > 0 && type <= SMBSIGN_A_DIR_STATS_MAX) {
		ds->v[type] = attr_uint(attr);
	}
	return MNL_CB_OK;
}

static int stats_cb(const struct nlattr *attr, void *data)
{
	struct stats *st = data;

	switch (mnl_attr_get_type(attr)) {
	case SMBSIGN_A_STATS_CLIENT:
		mnl_attr_parse_nested(attr, dir_stats_cb, &st->dir[0]);
		break;
	case SMBSIGN_A_STATS_SERVER:
		mnl_attr_parse_nested(attr, dir_stats_cb, &st->dir[1]);
		break;
	}
	return MNL_CB_OK;
}

static int stats_reply(const struct nlmsghdr *nlh, void *arg)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), stats_cb, arg);
	return MNL_CB_OK;
}

static const struct {
	int attr;
	const char *label, *key;
} stat_rows[] = {
	{ SMBSIGN_A_DIR_STATS_SIGNED, "Messages signed", "signed" },
	{ SMBSIGN_A_DIR_STATS_VERIFIED, "Messages verified", "verified" },
	{ SMBSIGN_A_DIR_STATS_VERIFY_FAILURES, "Verification failures",
	  "verify_failures" },
	{ SMBSIGN_A_DIR_STATS_REFUSED_UNSIGNED, "Refused: peer does not sign",
	  "refused_unsigned" },
	{ SMBSIGN_A_DIR_STATS_REFUSED_GUEST, "Refused: guest session",
	  "refused_guest" },
	{ SMBSIGN_A_DIR_STATS_AUDIT_UNSIGNED, "Audited: peer does not sign",
	  "audit_unsigned" },
	{ SMBSIGN_A_DIR_STATS_AUDIT_GUEST, "Audited: guest session",
	  "audit_guest" },
	{ SMBSIGN_A_DIR_STATS_SESSIONS, "Sessions", "sessions" },
};

#define NROWS (sizeof(stat_rows) / sizeof(stat_rows[0]))

static void stats_print(const struct stats *st)
{
	static const char *const title[DIR_COUNT] = {
		"Client (outbound)", "Server (inbound)" };
	static const char *const jkey[DIR_COUNT] = { "client", "server" };
	unsigned int d, i, a;

	if (json)
		putchar('{');
	for (d = 0; d < DIR_COUNT; d++) {
		const struct dir_stats *ds = &st->dir[d];

		if (json) {
			printf("%s\"%s\":{", d ? "," : "", jkey[d]);
			for (i = 0; i < NROWS; i++)
				printf("%s\"%s\":%" PRIu64, i ? "," : "",
				       stat_rows[i].key, ds->v[stat_rows[i].attr]);
			printf(",\"algorithms\":{");
			for (a = 0; a < ALG_COUNT; a++)
				printf("%s\"%s\":{\"signed\":%" PRIu64
				       ",\"verified\":%" PRIu64
				       ",\"verify_failures\":%" PRIu64 "}",
				       a ? "," : "", alg_name(a),
				       ds->alg[a][SMBSIGN_A_ALG_STATS_SIGNED],
				       ds->alg[a][SMBSIGN_A_ALG_STATS_VERIFIED],
				       ds->alg[a][SMBSIGN_A_ALG_STATS_VERIFY_FAILURES]);
			printf("}}");
			continue;
		}
		printf("%s%s\n", d ? "\n" : "", title[d]);
		for (i = 0; i < NROWS; i++)
			printf("  %-30s : %" PRIu64 "\n", stat_rows[i].label,
			       ds->v[stat_rows[i].attr]);
		for (a = 0; a < ALG_COUNT; a++)
			printf("  %-11s signed %" PRIu64 ", verified %" PRIu64
			       ", failures %" PRIu64 "\n", alg_name(a),
			       ds->alg[a][SMBSIGN_A_ALG_STATS_SIGNED],
			       ds->alg[a][SMBSIGN_A_ALG_STATS_VERIFIED],
			       ds->alg[a][SMBSIGN_A_ALG_STATS_VERIFY_FAILURES]);
	}
	if (json)
		printf("}\n");
}

static int cmd_stats(struct genl *g, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct stats st;

	if (argc == 2 && !strcmp(argv[1], "reset")) {
		if (genl_open(g))
			return 1;
		nlh = genl_msg(g, buf, SMBSIGN_CMD_STATS_RESET, 0);
		return genl_talk(g, nlh, NULL, NULL, "stats-reset") ? 1 : 0;
	}
	if (argc != 1) {
		fprintf(stderr, "Usage: %s stats [reset]\n", prog);
		return 2;
	}
	if (genl_open(g))
		return 1;
	memset(&st, 0, sizeof(st));
	nlh = genl_msg(g, buf, SMBSIGN_CMD_STATS_GET, 0);
	if (genl_talk(g, nlh, stats_reply, &st, "stats-get"))
		return 1;
	stats_print(&st);
	return 0;
}

/* sessions */
static int session_attr_cb(const struct nlattr *attr, void *data)
{
	uint64_t *v = data;
	int type = mnl_attr_get_type(attr);

	if (type > 0 && type <= SMBSIGN_A_SESSION_MAX)
		v[type] = attr_uint(attr);
	return MNL_CB_OK;
}

/* a dump's rows, kept until it completes: an interrupted one starts again */
struct session_rows {
	char *text;
	size_t len;
	FILE *f;
	int n;
};

static void session_rows_restart(void *arg)
{
	struct session_rows *r = arg;

	rewind(r->f);
	fflush(r->f);
	r->n = 0;
}

static int session_reply(const struct nlmsghdr *nlh, void *arg)
{
	uint64_t v[SMBSIGN_A_SESSION_MAX + 1] = { 0 };
	struct session_rows *r = arg;
	int *n = &r->n;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), session_attr_cb, v);
	if (json)
		fprintf(r->f, "%s{\"id\":\"0x%016" PRIx64 "\",\"direction\":\"%s\","
		       "\"dialect\":\"0x%03" PRIx64 "\",\"algorithm\":\"%s\","
		       "\"signed\":%" PRIu64 ",\"verified\":%" PRIu64
		       ",\"verify_failures\":%" PRIu64 "}",
		       *n ? "," : "", v[SMBSIGN_A_SESSION_ID],
		       v[SMBSIGN_A_SESSION_DIRECTION] ? "server" : "client",
		       v[SMBSIGN_A_SESSION_DIALECT],
		       alg_name(v[SMBSIGN_A_SESSION_ALG]),
		       v[SMBSIGN_A_SESSION_SIGNED],
		       v[SMBSIGN_A_SESSION_VERIFIED],
		       v[SMBSIGN_A_SESSION_VERIFY_FAILURES]);
	else
		fprintf(r->f, "0x%016" PRIx64 "  %-6s  0x%03" PRIx64 "   %-11s  %10"
		       PRIu64 "  %10" PRIu64 "  %8" PRIu64 "\n",
		       v[SMBSIGN_A_SESSION_ID],
		       v[SMBSIGN_A_SESSION_DIRECTION] ? "server" : "client",
		       v[SMBSIGN_A_SESSION_DIALECT],
		       alg_name(v[SMBSIGN_A_SESSION_ALG]),
		       v[SMBSIGN_A_SESSION_SIGNED],
		       v[SMBSIGN_A_SESSION_VERIFIED],
		       v[SMBSIGN_A_SESSION_VERIFY_FAILURES]);
	(*n)++;
	return MNL_CB_OK;
}

static int cmd_sessions(struct genl *g, int argc, char **argv)
{
	struct session_rows r = { 0 };
	int err;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "Usage: %s sessions\n", prog);
		return 2;
	}
	if (genl_open(g))
		return 1;
	r.f = open_memstream(&r.text, &r.len);
	if (!r.f) {
		fprintf(stderr, "%s: %s\n", prog, strerror(errno));
		return 1;
	}
	err = genl_dump(g, SMBSIGN_CMD_SESSION_GET, session_reply,
			session_rows_restart, &r, "session-get");
	fclose(r.f);
	if (json)
		putchar('[');
	else
		printf("%-18s  %-6s  %-7s %-11s  %10s  %10s  %8s\n", "SESSION",
		       "ROLE", "DIALECT", "ALGORITHM", "SIGNED", "VERIFIED",
		       "FAILURES");
	if (!err)
		fwrite(r.text, 1, r.len, stdout);
	free(r.text);
	if (json)
		printf("]\n");
	return err ? 1 : 0;
}

/* monitor */
static int event_attr_cb(const struct nlattr *attr, void *data)
{
	uint64_t *v = data;
	int type = mnl_attr_get_type(attr);

	if (type > 0 && type <= SMBSIGN_A_EVENT_MAX)
		v[type] = attr_uint(attr);
	return MNL_CB_OK;
}

static void print_event(const char *kind, const uint64_t *v, bool verify)
{
	const char *dir = v[SMBSIGN_A_EVENT_DIRECTION] ? "server" : "client";
	/* session events say "suppressed" only when some were */
	bool supp = verify || v[SMBSIGN_A_EVENT_SUPPRESSED];

	if (json) {
		printf("{\"event\":\"%s\",\"direction\":\"%s\","
		       "\"session_id\":\"0x%016" PRIx64 "\"", kind, dir,
		       v[SMBSIGN_A_EVENT_SESSION_ID]);
		if (verify)
			printf(",\"command\":%" PRIu64 ",\"message_id\":%"
			       PRIu64,
			       v[SMBSIGN_A_EVENT_COMMAND],
			       v[SMBSIGN_A_EVENT_MESSAGE_ID]);
		if (supp)
			printf(",\"suppressed\":%" PRIu64,
			       v[SMBSIGN_A_EVENT_SUPPRESSED]);
		printf("}\n");
		return;
	}
	printf("%s %s session 0x%016" PRIx64, kind, dir,
	       v[SMBSIGN_A_EVENT_SESSION_ID]);
	if (verify)
		printf(" command 0x%04" PRIx64 " message-id %" PRIu64,
		       v[SMBSIGN_A_EVENT_COMMAND],
		       v[SMBSIGN_A_EVENT_MESSAGE_ID]);
	if (supp)
		printf(" (suppressed %" PRIu64 ")",
		       v[SMBSIGN_A_EVENT_SUPPRESSED]);
	putchar('\n');
}

static void print_policy_event(const struct nlmsghdr *nlh)
{
	static const char *const dn[DIR_COUNT] = { "client", "server" };
	struct policy p;
	int d, i;

	policy_parse(nlh, &p);
	if (json) {
		printf("{\"event\":\"policy-changed\",\"policy\":");
		policy_print(&p, -1, false);
		return;
	}
	printf("policy-changed by pid %u uid %u:", p.pid, p.uid);
	for (d = 0; d < DIR_COUNT; d++) {
		const struct dir_policy *dp = &p.dir[d];

		printf(" %s require=%s audit=%s guest=%s algorithms=", dn[d],
		       dp->require ? "on" : "off", dp->audit ? "on" : "off",
		       dp->guest ? "allow" : "block");
		for (i = 0; i < dp->nalgs; i++)
			printf("%s%s", i ? "," : "", alg_short(dp->algs[i]));
		putchar(d ? '\n' : ';');
	}
}

static int event_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	uint64_t v[SMBSIGN_A_EVENT_MAX + 1] = { 0 };
	const struct genl *g = arg;
	bool audited;

	/* only whole smbsign messages: the socket may see others' */
	if (nlh->nlmsg_type != g->family ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*gh))
		return MNL_CB_OK;
	if (gh->cmd == SMBSIGN_CMD_POLICY_NTF) {
		print_policy_event(nlh);
		return MNL_CB_OK;
	}
	mnl_attr_parse(nlh, sizeof(*gh), event_attr_cb, v);
	audited = v[SMBSIGN_A_EVENT_ACTION] == SMBSIGN_ACTION_AUDITED;
	switch (gh->cmd) {
	case SMBSIGN_CMD_VERIFY_FAIL_NTF:
		print_event("verify-failed", v, true);
		break;
	case SMBSIGN_CMD_GUEST_NTF:
		print_event(audited ? "guest-audited" : "guest-refused", v,
			    false);
		break;
	case SMBSIGN_CMD_UNSIGNED_NTF:
		print_event(audited ? "unsigned-audited" : "unsigned-refused",
			    v, false);
		break;
	default:
		return MNL_CB_OK;	/* a newer kernel's event */
	}
	return MNL_CB_OK;
}

static int cmd_monitor(struct genl *g, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "Usage: %s monitor\n", prog);
		return 2;
	}
	if (genl_open(g))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return genl_monitor(g, event_cb, g);
}

static int cmd_help(int argc, char **argv);

static const struct subcommand {
	const char *name;
	int (*fn)(struct genl *g, int argc, char **argv);
	int (*local)(int argc, char **argv);	/* needs no netlink */
	const char *description;
} subcommands[] = {
	{ "show", cmd_show, NULL,
	  "[client|server]: show the signing policy, in Windows' terms, and which code signs" },
	{ "set", cmd_set, NULL,
	  "[client|server] require on|off | audit on|off | guest allow|block | algorithms LIST" },
	{ "preset", cmd_preset, NULL,
	  "win11-24h2-pro|-enterprise|-education|server-2025|win11-24h2-home" },
	{ "stats", cmd_stats, NULL, "[reset]: show (or zero) the counters" },
	{ "sessions", cmd_sessions, NULL, "list the signed sessions" },
	{ "monitor", cmd_monitor, NULL, "print events until interrupted" },
	{ "apply", cmd_apply, NULL,
	  "[--check] [FILE]: apply (or only check) a policy file, default /etc/smbsign/smbsign.conf" },
	{ "explain", NULL, cmd_explain,
	  "CODE: what an SMB signing error means and how to fix it" },
	{ "help", NULL, cmd_help, "show this help" },
};

#define NSUB (sizeof(subcommands) / sizeof(subcommands[0]))

static int cmd_help(int argc, char **argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	fputs(usage_line, stdout);
	printf("\nShow and set the SMB2/SMB3 signing policy of this network namespace.\n\n");
	for (i = 0; i < NSUB; i++)
		printf("  %-9s %s\n", subcommands[i].name,
		       subcommands[i].description);
	printf("\nOptions:\n  -j, --json  JSON output for show, stats, sessions, monitor, explain\n"
	       "  -h, --help  this help\n\nWith no command, smbsignctl runs show.\n");
	return 0;
}

int main(int argc, char **argv)
{
	static char *show_argv[] = { "show", NULL };
	const struct subcommand *sc = NULL;
	struct genl g = { 0 };
	unsigned int i;
	int ret;

	argv++;
	argc--;
	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			json = true;
		} else if (!strcmp(argv[0], "-h") ||
			   !strcmp(argv[0], "--help")) {
			return cmd_help(0, NULL);
		} else {
			fprintf(stderr, "%s: unknown option \"%s\"\n", prog,
				argv[0]);
			return usage_error();
		}
		argv++;
		argc--;
	}
	if (!argc) {
		argv = show_argv;
		argc = 1;
	}
	for (i = 0; i < NSUB; i++)
		if (!strcmp(argv[0], subcommands[i].name))
			sc = &subcommands[i];
	if (!sc) {
		fprintf(stderr, "%s: unknown command \"%s\"\n", prog, argv[0]);
		return usage_error();
	}
	if (sc->local)
		return sc->local(argc, argv);
	/* Each command checks its arguments, then opens netlink. */
	ret = sc->fn(&g, argc, argv);
	genl_close(&g);
	return ret;
}
