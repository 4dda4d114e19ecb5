// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_evtest: makes smbsign emit its "events" multicast notifications
 * in the initial network namespace, with known values, for the guest test
 * tools/testing/qemu/guest-tests/events.sh (KUnit cannot: its policy
 * instances have no netns and send no events).
 *
 * All the work is done at load time, through the exported policy API only;
 * unload with rmmod before loading again.  scenario= is a comma-separated
 * list of:
 *
 *   verify    smbsign_report_verify_failure(): one client failure (session
 *             0x5e5510e700000001, command 0x0008 READ, MessageId 1001) then
 *             one server failure (0x5e5510e700000002, 0x0009 WRITE, 1002)
 *   guest     smbsign_session_decide() for a signed guest session, client
 *             (0x5e5510e700000003) then server (0x5e5510e700000004)
 *   unsigned  smbsign_session_decide() for a peer that does not sign,
 *             client (0x5e5510e700000005) then server (0x5e5510e700000006)
 *   burst     burst= client verification failures in a row (session
 *             0x5e5510e700000007, command 0x0010 QUERY_INFO, MessageIds
 *             2000, 2001, ...): exercises the events rate limit
 *   refusals  burst= server sessions refused in a row, unsigned and guest
 *             in turn (session 0x5e5510e700000009): the rate limit of the
 *             session events
 *   all       all of the above, in that order
 *   netns     (not in all) register a session (0x5e5510e700000008) in the
 *             network namespace of process netns_pid=, keeping no
 *             reference of its own, and log "netns <inode> exit" when that
 *             namespace is dismantled; the session is counted and
 *             unregistered at rmmod.  Kill the namespace's processes in
 *             between: the session must keep the namespace alive.
 *
 * What an event says depends on the policy of init_net at the time (set it
 * with smbsignctl first).  Each decision is also logged with its verdict
 * and NTSTATUS, tagged with run=.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/err.h>
#include <net/net_namespace.h>
#include <linux/smbsign.h>

MODULE_IMPORT_NS(SMBSIGN_NS);

#define EVTEST_SID(n)		(0x5e5510e700000000ULL + (n))
#define SMB2_CMD_READ		0x0008
#define SMB2_CMD_WRITE		0x0009
#define SMB2_CMD_QUERY_INFO	0x0010

static char *scenario = "all";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario,
		 "comma-separated: verify,guest,unsigned,burst or all (default)");

static unsigned int burst = 30;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "verification failures in the burst scenario (30)");

static unsigned int run;
module_param(run, uint, 0444);
MODULE_PARM_DESC(run, "tag for the log lines of this load");

static int netns_pid;
module_param(netns_pid, int, 0444);
MODULE_PARM_DESC(netns_pid, "netns scenario: a process in the namespace");

static struct smbsign_session *netns_sess;
static unsigned int netns_inum;
static bool netns_ops_on;

static void __net_exit evtest_net_exit(struct net *net)
{
	if (net->ns.inum == netns_inum)
		pr_info("run %u: netns %u exit\n", run, netns_inum);
}

static struct pernet_operations evtest_net_ops = {
	.exit = evtest_net_exit,
};

static const char *const dir_name[SMBSIGN_DIR_COUNT] = { "client", "server" };

static void evtest_verify(void)
{
	smbsign_report_verify_failure(&init_net, SMBSIGN_DIR_CLIENT,
				      SMBSIGN_ALG_AES_GMAC, EVTEST_SID(1),
				      SMB2_CMD_READ, 1001);
	smbsign_report_verify_failure(&init_net, SMBSIGN_DIR_SERVER,
				      SMBSIGN_ALG_AES_CMAC, EVTEST_SID(2),
				      SMB2_CMD_WRITE, 1002);
	pr_info("run %u: verify: 2 failures reported\n", run);
}

static void evtest_decide(const char *what, u64 first_sid, bool peer_signs,
			  bool guest)
{
	enum smbsign_verdict v;
	int d;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		v = smbsign_session_decide(&init_net, d, first_sid + d,
					   peer_signs, guest);
		pr_info("run %u: %s %s session 0x%016llx: verdict %d %s status 0x%08x\n",
			run, what, dir_name[d], first_sid + d, v,
			smbsign_verdict_allowed(v) ? "allowed" : "refused",
			smbsign_verdict_status(v, d));
	}
}

static void evtest_burst(void)
{
	unsigned int i;

	for (i = 0; i < burst; i++)
		smbsign_report_verify_failure(&init_net, SMBSIGN_DIR_CLIENT,
					      SMBSIGN_ALG_AES_GMAC,
					      EVTEST_SID(7),
					      SMB2_CMD_QUERY_INFO, 2000 + i);
	pr_info("run %u: burst: %u failures reported\n", run, burst);
}

static void evtest_refusals(void)
{
	unsigned int i;

	for (i = 0; i < burst; i++)
		smbsign_session_decide(&init_net, SMBSIGN_DIR_SERVER,
				       EVTEST_SID(9), false, i & 1);
	pr_info("run %u: refusals: %u sessions decided\n", run, burst);
}

static int evtest_netns(void)
{
	struct net *net;
	int err;

	net = get_net_ns_by_pid(netns_pid);
	if (IS_ERR(net))
		return PTR_ERR(net);
	netns_inum = net->ns.inum;
	err = register_pernet_subsys(&evtest_net_ops);
	if (err)
		goto out;
	netns_ops_on = true;
	netns_sess = smbsign_session_register(net, SMBSIGN_DIR_SERVER,
					      EVTEST_SID(8),
					      SMBSIGN_DIALECT_3_1_1,
					      SMBSIGN_ALG_AES_CMAC);
	if (IS_ERR(netns_sess)) {
		err = PTR_ERR(netns_sess);
		netns_sess = NULL;
		goto out;
	}
	pr_info("run %u: netns %u: session registered\n", run, netns_inum);
out:
	put_net(net);		/* the session's reference is all that is left */
	return err;
}

static void evtest_netns_done(void)
{
	if (netns_sess) {
		smbsign_session_signed(netns_sess);
		smbsign_session_unregister(netns_sess);
		pr_info("run %u: netns %u: session unregistered\n", run,
			netns_inum);
		netns_sess = NULL;
	}
	if (netns_ops_on)
		unregister_pernet_subsys(&evtest_net_ops);
	netns_ops_on = false;
}

static int __init smbsign_evtest_init(void)
{
	char *buf, *p, *tok;
	int err = 0;

	buf = kstrdup(scenario, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	while ((tok = strsep(&p, ","))) {
		bool all = !strcmp(tok, "all");

		if (!strcmp(tok, "netns")) {
			err = evtest_netns();
			if (err)
				break;
			continue;
		}
		if (!all && strcmp(tok, "verify") && strcmp(tok, "guest") &&
		    strcmp(tok, "unsigned") && strcmp(tok, "burst") &&
		    strcmp(tok, "refusals")) {
			pr_err("unknown scenario \"%s\"\n", tok);
			err = -EINVAL;
			break;
		}
		if (all || !strcmp(tok, "verify"))
			evtest_verify();
		if (all || !strcmp(tok, "guest"))
			evtest_decide("guest", EVTEST_SID(3), true, true);
		if (all || !strcmp(tok, "unsigned"))
			evtest_decide("unsigned", EVTEST_SID(5), false, false);
		if (all || !strcmp(tok, "burst"))
			evtest_burst();
		if (all || !strcmp(tok, "refusals"))
			evtest_refusals();
	}
	kfree(buf);
	if (err)
		evtest_netns_done();
	return err;
}

static void __exit smbsign_evtest_exit(void)
{
	evtest_netns_done();
}

module_init(smbsign_evtest_init);
module_exit(smbsign_evtest_exit);

MODULE_DESCRIPTION("smbsign: emit each kind of event for the guest tests");
MODULE_LICENSE("GPL");
