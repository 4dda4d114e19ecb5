// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: require-signing policy per network namespace.
 *
 * Each network namespace has, per direction (client = outbound, server =
 * inbound), a policy modelled on Windows' SMB2/3 switches:
 * RequireSecuritySignature, the Audit*DoesNotSupportSigning switches and
 * EnableInsecureGuestLogons, plus the signing algorithm preference of SMB
 * 3.1.1.  Module parameters give init_net's policy; a new namespace starts
 * with a copy of init_net's policy at the time it is created.
 *
 * The policy of a direction is an immutable struct published with RCU, so
 * the session setup path reads it without taking a lock; writers serialise
 * on a per-netns mutex.  Counters are atomic64_t per netns.
 *
 * Refused and audited sessions and verification failures are events, rate
 * limited per netns and passed to whoever registered for them with
 * smbsign_event_notifier_register() (the netlink family, which multicasts
 * them); this file knows nothing of netlink.  A registered session holds a
 * reference on its netns, so the per-netns state outlives it.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "smbsign.h"
#include "policy.h"

static bool require_client_signing = true;
module_param(require_client_signing, bool, 0444);
MODULE_PARM_DESC(require_client_signing,
		 "Outbound sessions must be signed (client RequireSecuritySignature) [default: Y]");

static bool require_server_signing = true;
module_param(require_server_signing, bool, 0444);
MODULE_PARM_DESC(require_server_signing,
		 "Inbound sessions must be signed (server RequireSecuritySignature) [default: Y]");

static bool allow_insecure_guest;
module_param(allow_insecure_guest, bool, 0444);
MODULE_PARM_DESC(allow_insecure_guest,
		 "Let guest/anonymous sessions through when signing is required (EnableInsecureGuestLogons) [default: N]");

static bool audit_client;
module_param(audit_client, bool, 0444);
MODULE_PARM_DESC(audit_client,
		 "Client: count and announce, but allow, servers that do not sign (AuditServerDoesNotSupportSigning) [default: N]");

static bool audit_server;
module_param(audit_server, bool, 0444);
MODULE_PARM_DESC(audit_server,
		 "Server: count and announce, but allow, clients that do not sign (AuditClientDoesNotSupportSigning) [default: N]");

static char *client_algorithms = "gmac,cmac,hmac-sha256";
module_param(client_algorithms, charp, 0444);
MODULE_PARM_DESC(client_algorithms,
		 "Signing algorithms offered as client, most preferred first [default: gmac,cmac,hmac-sha256]");

static char *server_algorithms = "gmac,cmac,hmac-sha256";
module_param(server_algorithms, charp, 0444);
MODULE_PARM_DESC(server_algorithms,
		 "Signing algorithms accepted as server, most preferred first [default: gmac,cmac,hmac-sha256]");

enum {
	CNT_REFUSED_UNSIGNED,
	CNT_REFUSED_GUEST,
	CNT_AUDIT_UNSIGNED,
	CNT_AUDIT_GUEST,
	CNT_NUM,
};

enum {
	ALG_SIGNED,
	ALG_VERIFIED,
	ALG_FAILED,
	ALG_NUM,
};

struct smbsign_policy_rcu {
	struct rcu_head rcu;
	struct smbsign_policy pol;
};

struct smbsign_dir_state {
	struct smbsign_policy_rcu __rcu *policy;
	atomic64_t cnt[CNT_NUM];
	atomic64_t alg[SMBSIGN_ALG_COUNT][ALG_NUM];
	unsigned int nsessions;
};

struct smbsign_session {
	struct smbsign_pernet *pn;
	netns_tracker ns_tracker;	/* our reference on pn->net */
	u32 index;			/* in pn->sessions: the dump cursor */
	u64 id;
	u16 dialect;
	u16 alg;
	u8 dir;
	atomic64_t nsigned;
	atomic64_t nverified;
	atomic64_t nfailed;
};

struct smbsign_pernet {
	struct net *net;		/* NULL for KUnit instances */
	struct mutex lock;		/* serialises policy writers */
	struct smbsign_dir_state dir[SMBSIGN_DIR_COUNT];
	/*
	 * Registered sessions, indexed in registration order (cyclically):
	 * a dump resumes after the index it stopped at without walking what
	 * it has sent.  The xarray's lock (BH) also protects sessions_gen,
	 * sessions_next and every nsessions.
	 */
	struct xarray sessions;
	u32 sessions_next;		/* for __xa_alloc_cyclic() */
	unsigned int sessions_gen;	/* changes with every (un)register */
	struct ratelimit_state verify_rs;
	atomic_t verify_suppressed;
	struct ratelimit_state session_rs;	/* guest and unsigned events */
	atomic_t session_suppressed;
};

/* Events per netns: at most BURST per INTERVAL, per limit. */
#define SMBSIGN_EVENT_INTERVAL	(5 * HZ)
#define SMBSIGN_EVENT_BURST	10

static unsigned int smbsign_net_id __read_mostly;
static ATOMIC_NOTIFIER_HEAD(smbsign_event_chain);
static struct smbsign_policy smbsign_defaults[SMBSIGN_DIR_COUNT];

static const struct {
	const char *name;
	u8 alg;
} smbsign_alg_names[] = {
	{ "gmac", SMBSIGN_ALG_AES_GMAC },
	{ "aes-gmac", SMBSIGN_ALG_AES_GMAC },
	{ "cmac", SMBSIGN_ALG_AES_CMAC },
	{ "aes-cmac", SMBSIGN_ALG_AES_CMAC },
	{ "hmac-sha256", SMBSIGN_ALG_HMAC_SHA256 },
	{ "hmac", SMBSIGN_ALG_HMAC_SHA256 },
};

/**
 * smbsign_parse_algs() - parse a comma separated algorithm list
 * @str: e.g. "gmac,cmac,hmac-sha256"
 * @algs: output, SMBSIGN_ALG_COUNT entries
 * @nalgs: output, number of entries filled in
 *
 * Return: 0, or -EINVAL for an unknown name, a duplicate or an empty list.
 */
int smbsign_parse_algs(const char *str, u8 *algs, u8 *nalgs)
{
	const char *p = str;
	u8 n = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned int i;
		int alg = -1;

		for (i = 0; i < ARRAY_SIZE(smbsign_alg_names); i++) {
			const char *name = smbsign_alg_names[i].name;

			if (strlen(name) == len && !strncasecmp(p, name, len)) {
				alg = smbsign_alg_names[i].alg;
				break;
			}
		}
		if (alg < 0 || n >= SMBSIGN_ALG_COUNT || memchr(algs, alg, n))
			return -EINVAL;
		algs[n++] = alg;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!n)
		return -EINVAL;
	*nalgs = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_parse_algs);

/**
 * smbsign_policy_default() - the policy a new network namespace starts with
 * @dir: direction
 * @pol: output
 *
 * Context: Any context.
 */
void smbsign_policy_default(enum smbsign_dir dir,
			    struct smbsign_policy *pol)
{
	*pol = smbsign_defaults[dir];
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_policy_default);

/*
 * @from: the instance whose current policy a new one starts with, or NULL
 * for the module parameters.
 */
static int smbsign_pernet_setup(struct smbsign_pernet *pn, struct net *net,
				struct smbsign_pernet *from)
{
	int d;

	pn->net = net;
	mutex_init(&pn->lock);
	xa_init_flags(&pn->sessions, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);
	pn->sessions_next = 0;
	pn->sessions_gen = 0;
	ratelimit_state_init(&pn->verify_rs, SMBSIGN_EVENT_INTERVAL,
			     SMBSIGN_EVENT_BURST);
	ratelimit_set_flags(&pn->verify_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic_set(&pn->verify_suppressed, 0);
	ratelimit_state_init(&pn->session_rs, SMBSIGN_EVENT_INTERVAL,
			     SMBSIGN_EVENT_BURST);
	ratelimit_set_flags(&pn->session_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic_set(&pn->session_suppressed, 0);

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		struct smbsign_policy_rcu *p = kzalloc(sizeof(*p), GFP_KERNEL);

		if (!p)
			goto err;
		if (from)
			smbsign_pn_policy_get(from, d, &p->pol);
		else
			p->pol = smbsign_defaults[d];
		RCU_INIT_POINTER(pn->dir[d].policy, p);
	}
	return 0;

err:
	while (d--)
		kfree(rcu_dereference_protected(pn->dir[d].policy, true));
	return -ENOMEM;
}

static void smbsign_pernet_teardown(struct smbsign_pernet *pn)
{
	int d;

	WARN_ON_ONCE(!xa_empty(&pn->sessions));
	xa_destroy(&pn->sessions);
	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		kfree(rcu_dereference_protected(pn->dir[d].policy, true));
		RCU_INIT_POINTER(pn->dir[d].policy, NULL);
	}
}

/*
 * init_net is set up first (it heads net_namespace_list, and every later
 * namespace is created after the module registered its pernet ops), so
 * every other namespace can start from init_net's current policy.
 */
static int __net_init smbsign_net_init(struct net *net)
{
	return smbsign_pernet_setup(net_generic(net, smbsign_net_id), net,
				    net_eq(net, &init_net) ? NULL :
				    smbsign_pernet(&init_net));
}

static void __net_exit smbsign_net_exit(struct net *net)
{
	smbsign_pernet_teardown(net_generic(net, smbsign_net_id));
}

static struct pernet_operations smbsign_net_ops = {
	.init = smbsign_net_init,
	.exit = smbsign_net_exit,
	.id = &smbsign_net_id,
	.size = sizeof(struct smbsign_pernet),
};

/**
 * smbsign_pernet() - the smbsign state of a network namespace
 * @net: network namespace
 *
 * Return: the per-netns state; valid as long as @net is.
 */
struct smbsign_pernet *smbsign_pernet(struct net *net)
{
	return net_generic(net, smbsign_net_id);
}

/**
 * smbsign_pernet_alloc_test() - a private policy instance for KUnit
 *
 * Context: Process context.
 * Return: the instance, or NULL on allocation failure. It starts from the
 * module parameters like init_net, but is attached to no namespace: its
 * events reach the notifiers with a NULL &smbsign_event.net, which the
 * netlink family does not send.
 */
struct smbsign_pernet *smbsign_pernet_alloc_test(void)
{
	struct smbsign_pernet *pn = kzalloc(sizeof(*pn), GFP_KERNEL);

	if (pn && smbsign_pernet_setup(pn, NULL, NULL)) {
		kfree(pn);
		pn = NULL;
	}
	return pn;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pernet_alloc_test);

/**
 * smbsign_pernet_free_test() - free an instance from smbsign_pernet_alloc_test()
 * @pn: instance
 */
void smbsign_pernet_free_test(struct smbsign_pernet *pn)
{
	synchronize_rcu();
	smbsign_pernet_teardown(pn);
	kfree(pn);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pernet_free_test);

/**
 * smbsign_pn_policy_get() - copy one direction's policy
 * @pn: per-netns state
 * @dir: direction
 * @pol: output
 *
 * Context: Any context; lockless (RCU).
 */
void smbsign_pn_policy_get(struct smbsign_pernet *pn,
			   enum smbsign_dir dir,
			   struct smbsign_policy *pol)
{
	rcu_read_lock();
	*pol = rcu_dereference(pn->dir[dir].policy)->pol;
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_policy_get);

/**
 * smbsign_pn_policy_update() - apply partial updates to both directions
 * @pn: per-netns state
 * @upd: array of SMBSIGN_DIR_COUNT updates, one per direction
 * @extack: for error messages, may be NULL
 *
 * Both directions change together or not at all.
 *
 * Context: Process context; takes the per-netns mutex.
 * Return: 0, -EINVAL for an invalid update, or -ENOMEM.
 */
int smbsign_pn_policy_update(struct smbsign_pernet *pn,
			     const struct smbsign_policy_update *upd,
			     struct netlink_ext_ack *extack)
{
	struct smbsign_policy_rcu *np[SMBSIGN_DIR_COUNT] = { };
	int d, i;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		if (upd[d].nalgs > SMBSIGN_ALG_COUNT) {
			NL_SET_ERR_MSG(extack, "too many signing algorithms");
			return -EINVAL;
		}
		for (i = 0; i < upd[d].nalgs; i++) {
			if (upd[d].algs[i] >= SMBSIGN_ALG_COUNT ||
			    memchr(upd[d].algs, upd[d].algs[i], i)) {
				NL_SET_ERR_MSG(extack,
					       "invalid or duplicate signing algorithm");
				return -EINVAL;
			}
		}
	}
	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		np[d] = kmalloc(sizeof(*np[d]), GFP_KERNEL);
		if (!np[d])
			goto nomem;
	}

	mutex_lock(&pn->lock);
	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		struct smbsign_policy_rcu *old;
		struct smbsign_policy *pol = &np[d]->pol;

		old = rcu_dereference_protected(pn->dir[d].policy,
						lockdep_is_held(&pn->lock));
		*pol = old->pol;
		if (upd[d].set_require)
			pol->require_signing = upd[d].require;
		if (upd[d].set_audit)
			pol->audit = upd[d].audit;
		if (upd[d].set_guest)
			pol->allow_guest = upd[d].allow_guest;
		if (upd[d].nalgs) {
			pol->nalgs = upd[d].nalgs;
			memcpy(pol->algs, upd[d].algs, upd[d].nalgs);
		}
		rcu_assign_pointer(pn->dir[d].policy, np[d]);
		kfree_rcu(old, rcu);
	}
	mutex_unlock(&pn->lock);
	return 0;

nomem:
	for (d = 0; d < SMBSIGN_DIR_COUNT; d++)
		kfree(np[d]);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_policy_update);

/**
 * smbsign_policy_get() - read the effective policy of a netns and direction
 * @net: network namespace of the connection
 * @dir: %SMBSIGN_DIR_CLIENT for outbound, %SMBSIGN_DIR_SERVER for inbound
 * @pol: filled in with a copy of the policy
 *
 * Context: Any context; takes no lock (RCU).
 */
void smbsign_policy_get(struct net *net, enum smbsign_dir dir,
			struct smbsign_policy *pol)
{
	smbsign_pn_policy_get(smbsign_pernet(net), dir, pol);
}
EXPORT_SYMBOL_NS_GPL(smbsign_policy_get, SMBSIGN_NS);

/**
 * smbsign_policy_decide() - the decision table, without side effects
 * @pol: policy of the direction of the session
 * @peer_signs: the session will be signed (the peer supports signing and a
 *	session key exists)
 * @guest: guest or anonymous session (it has no key and cannot sign)
 *
 * A session breaks the policy when signing is required (or audited) and
 * either it is a guest session and guests are not allowed, or the peer does
 * not sign.  Audit mode turns every refusal into an audited allow: that is
 * how an administrator finds who would break before enforcing.  Guest
 * sessions that are allowed (@pol->allow_guest) proceed unsigned.
 *
 * Context: Any context.
 * Return: the verdict.
 */
enum smbsign_verdict smbsign_policy_decide(const struct smbsign_policy *pol,
					   bool peer_signs, bool guest)
{
	if (!pol->require_signing && !pol->audit)
		return SMBSIGN_ALLOW;
	if (guest) {
		if (pol->allow_guest)
			return SMBSIGN_ALLOW;
		return pol->audit ? SMBSIGN_AUDIT_GUEST : SMBSIGN_REFUSE_GUEST;
	}
	if (peer_signs)
		return SMBSIGN_ALLOW;
	return pol->audit ? SMBSIGN_AUDIT_UNSIGNED : SMBSIGN_REFUSE_UNSIGNED;
}
EXPORT_SYMBOL_NS_GPL(smbsign_policy_decide, SMBSIGN_NS);

/**
 * smbsign_event_notifier_register() - receive the policy events
 * @nb: notifier; called with the enum smbsign_event_type as action and a
 *	const struct smbsign_event * as data, in the context of the event
 *	(process or softirq, under rcu_read_lock(): it must not sleep)
 *
 * Events are already rate limited when they reach @nb.
 *
 * Return: 0.
 */
int smbsign_event_notifier_register(struct notifier_block *nb)
{
	return atomic_notifier_chain_register(&smbsign_event_chain, nb);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_event_notifier_register);

/**
 * smbsign_event_notifier_unregister() - stop receiving the policy events
 * @nb: notifier given to smbsign_event_notifier_register()
 *
 * Waits for running callbacks (synchronize_rcu()).
 *
 * Context: Process context.
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int smbsign_event_notifier_unregister(struct notifier_block *nb)
{
	return atomic_notifier_chain_unregister(&smbsign_event_chain, nb);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_event_notifier_unregister);

/*
 * Pass @ev to the notifiers unless @rs says it is one too many; then count
 * it in @suppressed, which the next event that passes carries and resets.
 */
static void smbsign_event_emit(enum smbsign_event_type type,
			       struct smbsign_event *ev,
			       struct ratelimit_state *rs, atomic_t *suppressed)
{
	if (!__ratelimit(rs)) {
		atomic_inc(suppressed);
		return;
	}
	ev->suppressed = atomic_xchg(suppressed, 0);
	atomic_notifier_call_chain(&smbsign_event_chain, type, ev);
}

/**
 * smbsign_pn_decide() - decide on a session, count and announce the result
 * @pn: per-netns state
 * @dir: direction
 * @session_id: SMB2 SessionId for the event, 0 if not known yet
 * @peer_signs: see smbsign_policy_decide()
 * @guest: see smbsign_policy_decide()
 *
 * Context: Process or softirq context, not hardirq: it may send a netlink
 * event (GFP_ATOMIC, multicast).
 * Return: the verdict.
 */
enum smbsign_verdict
smbsign_pn_decide(struct smbsign_pernet *pn, enum smbsign_dir dir,
		  u64 session_id, bool peer_signs, bool guest)
{
	struct smbsign_policy pol;
	struct smbsign_event ev;
	enum smbsign_verdict v;
	int cnt;

	smbsign_pn_policy_get(pn, dir, &pol);
	v = smbsign_policy_decide(&pol, peer_signs, guest);
	switch (v) {
	case SMBSIGN_AUDIT_UNSIGNED:
		cnt = CNT_AUDIT_UNSIGNED;
		break;
	case SMBSIGN_AUDIT_GUEST:
		cnt = CNT_AUDIT_GUEST;
		break;
	case SMBSIGN_REFUSE_UNSIGNED:
		cnt = CNT_REFUSED_UNSIGNED;
		break;
	case SMBSIGN_REFUSE_GUEST:
		cnt = CNT_REFUSED_GUEST;
		break;
	default:
		return v;
	}
	atomic64_inc(&pn->dir[dir].cnt[cnt]);

	ev = (struct smbsign_event){
		.net = pn->net,
		.dir = dir,
		.session_id = session_id,
		.guest = v == SMBSIGN_AUDIT_GUEST || v == SMBSIGN_REFUSE_GUEST,
		.audited = smbsign_verdict_allowed(v),
	};
	smbsign_event_emit(SMBSIGN_EVENT_SESSION, &ev, &pn->session_rs,
			   &pn->session_suppressed);
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_decide);

/**
 * smbsign_session_decide() - decide at session setup whether to go ahead
 * @net: network namespace of the connection
 * @dir: %SMBSIGN_DIR_CLIENT when this host is the client, else server
 * @session_id: SMB2 SessionId (for the event), 0 if not known yet
 * @peer_signs: the session will be signed
 * @guest: guest or anonymous session
 *
 * Applies smbsign_policy_decide() to the current policy, counts refusals
 * and audit hits and announces them on the "events" netlink group, at most
 * 10 per 5 seconds per namespace (the next event says how many were
 * suppressed).  On a refusal, fail the session setup with
 * smbsign_verdict_status().
 *
 * Context: Process or softirq context, not hardirq: it may send a netlink
 * event (GFP_ATOMIC, multicast).
 * Return: the verdict; see smbsign_verdict_allowed().
 */
enum smbsign_verdict smbsign_session_decide(struct net *net,
					    enum smbsign_dir dir,
					    u64 session_id, bool peer_signs,
					    bool guest)
{
	return smbsign_pn_decide(smbsign_pernet(net), dir, session_id,
				 peer_signs, guest);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_decide, SMBSIGN_NS);

/**
 * smbsign_verdict_status() - the NTSTATUS a refused session fails with
 * @v: verdict
 * @dir: direction the verdict was made for
 *
 * %SMBSIGN_STATUS_INVALID_SIGNATURE (0xc000a000) when the peer does not
 * sign.  A refused guest session gets, on the server side, the wire status
 * %SMBSIGN_STATUS_SMB_GUEST_LOGON_BLOCKED (0xc05d0002) and, on the client
 * side, %SMBSIGN_STATUS_GUEST_BLOCKED_SIGNING_REQUIRED (0xc05d0003), which
 * is what Windows reports to the user ("System error 3227320323").
 *
 * Context: Any context.
 * Return: the NTSTATUS, 0 (STATUS_SUCCESS) for verdicts that allow.
 */
u32 smbsign_verdict_status(enum smbsign_verdict v, enum smbsign_dir dir)
{
	switch (v) {
	case SMBSIGN_REFUSE_UNSIGNED:
		return SMBSIGN_STATUS_INVALID_SIGNATURE;
	case SMBSIGN_REFUSE_GUEST:
		return dir == SMBSIGN_DIR_CLIENT ?
		       SMBSIGN_STATUS_GUEST_BLOCKED_SIGNING_REQUIRED :
		       SMBSIGN_STATUS_SMB_GUEST_LOGON_BLOCKED;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_NS_GPL(smbsign_verdict_status, SMBSIGN_NS);

/**
 * smbsign_policy_offer_algs() - client: SigningAlgorithms to offer
 * @net: network namespace of the connection
 * @algs: output array (host order; convert with cpu_to_le16())
 * @max: room in @algs
 *
 * The client policy's list, most preferred first, as SMB2_SIGNING_CAPABILITIES
 * wants it ([MS-SMB2] 2.2.3.1.7).
 *
 * Context: Any context.
 * Return: number of entries written (at least 1 if @max > 0).
 */
int smbsign_policy_offer_algs(struct net *net, u16 *algs, unsigned int max)
{
	struct smbsign_policy pol;
	unsigned int i;

	smbsign_policy_get(net, SMBSIGN_DIR_CLIENT, &pol);
	for (i = 0; i < pol.nalgs && i < max; i++)
		algs[i] = pol.algs[i];
	return i;
}
EXPORT_SYMBOL_NS_GPL(smbsign_policy_offer_algs, SMBSIGN_NS);

/**
 * smbsign_policy_pick_alg() - server's choice among a client's algorithms
 * @pol: server policy
 * @offered: the client's SigningAlgorithms, host order
 * @count: entries in @offered
 *
 * Return: the first algorithm of @pol's list that the client offered, or
 * -ENOENT when nothing overlaps.
 */
int smbsign_policy_pick_alg(const struct smbsign_policy *pol,
			    const u16 *offered, unsigned int count)
{
	unsigned int i, j;

	for (i = 0; i < pol->nalgs; i++)
		for (j = 0; j < count; j++)
			if (offered[j] == pol->algs[i])
				return pol->algs[i];
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_policy_pick_alg);

/**
 * smbsign_policy_select_alg() - server: choose the SigningAlgorithmId
 * @net: network namespace of the connection
 * @offered: the client's SigningAlgorithms, converted to host order
 * @count: entries in @offered
 *
 * The server picks by its own preference, not the client's (Samba's rule;
 * ksmbd takes the client's first): the server's administrator sets which
 * algorithm protects the server's sessions, all clients get the same
 * choice, and a client cannot steer the server to a weaker algorithm by
 * listing it first.  [MS-SMB2] 3.3.5.4 leaves the choice to the server.
 *
 * When nothing overlaps, [MS-SMB2] and Samba keep AES-CMAC and send no
 * SMB2_SIGNING_CAPABILITIES context; a caller may do that when
 * smbsign_policy_alg_allowed() says AES-CMAC is allowed, and otherwise
 * fails the negotiation (STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP).
 *
 * Context: Any context.
 * Return: the chosen enum smbsign_alg, or -ENOENT when nothing overlaps.
 */
int smbsign_policy_select_alg(struct net *net, const u16 *offered,
			      unsigned int count)
{
	struct smbsign_policy pol;

	smbsign_policy_get(net, SMBSIGN_DIR_SERVER, &pol);
	return smbsign_policy_pick_alg(&pol, offered, count);
}
EXPORT_SYMBOL_NS_GPL(smbsign_policy_select_alg, SMBSIGN_NS);

/**
 * smbsign_policy_alg_allowed() - whether the policy allows an algorithm
 * @net: network namespace
 * @dir: direction
 * @alg: enum smbsign_alg, e.g. the fixed algorithm of a pre-3.1.1 dialect
 *
 * Context: Any context.
 * Return: true if @alg is in @dir's list.
 */
bool smbsign_policy_alg_allowed(struct net *net, enum smbsign_dir dir, u16 alg)
{
	struct smbsign_policy pol;

	smbsign_policy_get(net, dir, &pol);
	return alg < SMBSIGN_ALG_COUNT && !!memchr(pol.algs, alg, pol.nalgs);
}
EXPORT_SYMBOL_NS_GPL(smbsign_policy_alg_allowed, SMBSIGN_NS);

static void smbsign_alg_count(struct smbsign_pernet *pn, enum smbsign_dir dir,
			      u16 alg, int what)
{
	if (alg < SMBSIGN_ALG_COUNT)
		atomic64_inc(&pn->dir[dir].alg[alg][what]);
}

/**
 * smbsign_pn_verify_failure() - count and announce a verification failure
 * @pn: per-netns state
 * @dir: direction
 * @alg: algorithm of the session
 * @session_id: SMB2 SessionId
 * @command: SMB2 command of the message
 * @message_id: MessageId of the message
 *
 * Context: Process or softirq context, not hardirq: it may send a netlink
 * event (GFP_ATOMIC, multicast).
 */
void smbsign_pn_verify_failure(struct smbsign_pernet *pn,
			       enum smbsign_dir dir, u16 alg,
			       u64 session_id, u16 command,
			       u64 message_id)
{
	struct smbsign_event ev = {
		.net = pn->net,
		.dir = dir,
		.session_id = session_id,
		.command = command,
		.message_id = message_id,
	};

	smbsign_alg_count(pn, dir, alg, ALG_FAILED);
	smbsign_event_emit(SMBSIGN_EVENT_VERIFY_FAIL, &ev, &pn->verify_rs,
			   &pn->verify_suppressed);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_verify_failure);

/**
 * smbsign_report_verify_failure() - report a message that failed to verify
 * @net: network namespace of the connection
 * @dir: %SMBSIGN_DIR_CLIENT if this host is the client of the session
 * @alg: signing algorithm of the session (enum smbsign_alg)
 * @session_id: SMB2 SessionId
 * @command: SMB2 command of the message
 * @message_id: MessageId of the message
 *
 * Counts the failure and announces it on the "events" group, at most 10
 * events per 5 seconds per namespace (the next event says how many were
 * suppressed).  For registered sessions use smbsign_session_verify_failed().
 *
 * Context: Process or softirq context, not hardirq: it may send a netlink
 * event (GFP_ATOMIC, multicast).
 */
void smbsign_report_verify_failure(struct net *net, enum smbsign_dir dir,
				   u16 alg, u64 session_id, u16 command,
				   u64 message_id)
{
	smbsign_pn_verify_failure(smbsign_pernet(net), dir, alg, session_id,
				  command, message_id);
}
EXPORT_SYMBOL_NS_GPL(smbsign_report_verify_failure, SMBSIGN_NS);

/**
 * smbsign_pn_stats_get() - snapshot one direction's counters
 * @pn: per-netns state
 * @dir: direction
 * @st: output
 *
 * Context: Any context.
 */
void smbsign_pn_stats_get(struct smbsign_pernet *pn,
			  enum smbsign_dir dir,
			  struct smbsign_stats *st)
{
	struct smbsign_dir_state *ds = &pn->dir[dir];
	int a;

	memset(st, 0, sizeof(*st));
	for (a = 0; a < SMBSIGN_ALG_COUNT; a++) {
		st->alg_signed[a] = atomic64_read(&ds->alg[a][ALG_SIGNED]);
		st->alg_verified[a] = atomic64_read(&ds->alg[a][ALG_VERIFIED]);
		st->alg_failures[a] = atomic64_read(&ds->alg[a][ALG_FAILED]);
		st->signed_msgs += st->alg_signed[a];
		st->verified += st->alg_verified[a];
		st->verify_failures += st->alg_failures[a];
	}
	st->refused_unsigned = atomic64_read(&ds->cnt[CNT_REFUSED_UNSIGNED]);
	st->refused_guest = atomic64_read(&ds->cnt[CNT_REFUSED_GUEST]);
	st->audit_unsigned = atomic64_read(&ds->cnt[CNT_AUDIT_UNSIGNED]);
	st->audit_guest = atomic64_read(&ds->cnt[CNT_AUDIT_GUEST]);
	xa_lock_bh(&pn->sessions);
	st->sessions = ds->nsessions;
	xa_unlock_bh(&pn->sessions);
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_stats_get);

/**
 * smbsign_pn_stats_reset() - zero every counter of a netns
 * @pn: per-netns state
 *
 * The number of registered sessions is state, not a counter, and stays.
 */
void smbsign_pn_stats_reset(struct smbsign_pernet *pn)
{
	int d, i, a;

	for (d = 0; d < SMBSIGN_DIR_COUNT; d++) {
		for (i = 0; i < CNT_NUM; i++)
			atomic64_set(&pn->dir[d].cnt[i], 0);
		for (a = 0; a < SMBSIGN_ALG_COUNT; a++)
			for (i = 0; i < ALG_NUM; i++)
				atomic64_set(&pn->dir[d].alg[a][i], 0);
	}
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_stats_reset);

/**
 * smbsign_pn_session_register() - see smbsign_session_register()
 * @pn: per-netns state
 * @dir: direction
 * @session_id: SMB2 SessionId
 * @dialect: DialectRevision
 * @alg: signing algorithm
 *
 * Return: the session or an ERR_PTR().
 */
struct smbsign_session *
smbsign_pn_session_register(struct smbsign_pernet *pn, enum smbsign_dir dir,
			    u64 session_id, u16 dialect, u16 alg)
{
	struct smbsign_session *sess;
	int ret;

	if (dir >= SMBSIGN_DIR_COUNT || alg >= SMBSIGN_ALG_COUNT)
		return ERR_PTR(-EINVAL);
	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	sess->pn = pn;
	sess->id = session_id;
	sess->dialect = dialect;
	sess->alg = alg;
	sess->dir = dir;
	/* pn lives as long as its netns: keep the netns until unregister */
	if (pn->net)
		get_net_track(pn->net, &sess->ns_tracker, GFP_KERNEL);
	xa_lock_bh(&pn->sessions);
	/* may drop the lock to allocate (GFP_KERNEL); returns 1 on wrap */
	ret = __xa_alloc_cyclic(&pn->sessions, &sess->index, sess,
				xa_limit_32b, &pn->sessions_next, GFP_KERNEL);
	if (ret >= 0) {
		pn->sessions_gen++;
		pn->dir[dir].nsessions++;
	}
	xa_unlock_bh(&pn->sessions);
	if (ret < 0) {
		if (pn->net)
			put_net_track(pn->net, &sess->ns_tracker);
		kfree(sess);
		/* -EBUSY: 2^32 sessions registered */
		return ERR_PTR(ret == -EBUSY ? -ENOSPC : ret);
	}
	return sess;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_session_register);

/**
 * smbsign_session_register() - make a signed session visible and counted
 * @net: network namespace of the connection; the session holds a
 *	reference on it until smbsign_session_unregister()
 * @dir: %SMBSIGN_DIR_CLIENT if this host is the client of the session
 * @session_id: SMB2 SessionId
 * @dialect: DialectRevision (enum smbsign_dialect)
 * @alg: signing algorithm (enum smbsign_alg)
 *
 * The session shows up in the sessions dump (id, dialect, algorithm,
 * direction, counters; never key material) until
 * smbsign_session_unregister().  Count its messages with
 * smbsign_session_signed(), smbsign_session_verified() and
 * smbsign_session_verify_failed().  A session that is never unregistered
 * keeps its network namespace alive.
 *
 * Context: Process context (allocates with GFP_KERNEL).
 * Return: the session handle, or ERR_PTR(-EINVAL), ERR_PTR(-ENOMEM) or
 * ERR_PTR(-ENOSPC) (no free index: 2^32 - 1 sessions registered).
 */
struct smbsign_session *smbsign_session_register(struct net *net,
						 enum smbsign_dir dir,
						 u64 session_id, u16 dialect,
						 u16 alg)
{
	return smbsign_pn_session_register(smbsign_pernet(net), dir,
					   session_id, dialect, alg);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_register, SMBSIGN_NS);

/**
 * smbsign_session_unregister() - forget a session
 * @sess: handle from smbsign_session_register(), or NULL or an ERR_PTR()
 *
 * Context: Process or softirq context, not hardirq and not with interrupts
 * disabled (takes a BH spinlock).
 */
void smbsign_session_unregister(struct smbsign_session *sess)
{
	struct smbsign_pernet *pn;

	if (IS_ERR_OR_NULL(sess))
		return;
	pn = sess->pn;
	xa_lock_bh(&pn->sessions);
	__xa_erase(&pn->sessions, sess->index);
	pn->dir[sess->dir].nsessions--;
	pn->sessions_gen++;
	xa_unlock_bh(&pn->sessions);
	/* may free the netns, and pn with it (not before an RCU grace period) */
	if (pn->net)
		put_net_track(pn->net, &sess->ns_tracker);
	kfree(sess);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_unregister, SMBSIGN_NS);

/**
 * smbsign_session_signed() - count a message signed in a session
 * @sess: session handle
 *
 * Context: Any context.
 */
void smbsign_session_signed(struct smbsign_session *sess)
{
	atomic64_inc(&sess->nsigned);
	smbsign_alg_count(sess->pn, sess->dir, sess->alg, ALG_SIGNED);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_signed, SMBSIGN_NS);

/**
 * smbsign_session_verified() - count a message verified in a session
 * @sess: session handle
 *
 * Context: Any context.
 */
void smbsign_session_verified(struct smbsign_session *sess)
{
	atomic64_inc(&sess->nverified);
	smbsign_alg_count(sess->pn, sess->dir, sess->alg, ALG_VERIFIED);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_verified, SMBSIGN_NS);

/**
 * smbsign_session_verify_failed() - a message of a session failed to verify
 * @sess: session handle
 * @command: SMB2 command of the message
 * @message_id: MessageId of the message
 *
 * As smbsign_report_verify_failure(), and counted for the session.
 *
 * Context: Process or softirq context, not hardirq: it may send a netlink
 * event (GFP_ATOMIC, multicast).
 */
void smbsign_session_verify_failed(struct smbsign_session *sess, u16 command,
				   u64 message_id)
{
	atomic64_inc(&sess->nfailed);
	smbsign_pn_verify_failure(sess->pn, sess->dir, sess->alg, sess->id,
				  command, message_id);
}
EXPORT_SYMBOL_NS_GPL(smbsign_session_verify_failed, SMBSIGN_NS);

/**
 * smbsign_pn_session_walk() - call @fn for the sessions registered after *@pos
 * @pn: per-netns state
 * @pos: cursor: 0 to start, then what the previous walk left there (the
 *	index of the last session visited), so that sessions unregistered
 *	between two walks make none be skipped or repeated; each walk starts
 *	there without visiting what came before
 * @gen: if not NULL, set to a number that changes whenever a session is
 *	registered or unregistered (for the dump's consistency check)
 * @fn: callback, called under a spinlock; non-zero stops the walk
 * @arg: passed to @fn
 *
 * Return: the value that stopped the walk, or 0.
 */
int
smbsign_pn_session_walk(struct smbsign_pernet *pn, u64 *pos,
			unsigned int *gen,
			int (*fn)(const struct smbsign_session_info *si,
				  void *arg),
			void *arg)
{
	struct smbsign_session *sess;
	unsigned long index;
	int ret = 0;

	if (*pos >= U32_MAX)
		return 0;
	xa_lock_bh(&pn->sessions);
	if (gen)
		*gen = pn->sessions_gen;
	xa_for_each_start(&pn->sessions, index, sess, *pos + 1) {
		struct smbsign_session_info si;

		si.id = sess->id;
		si.dir = sess->dir;
		si.dialect = sess->dialect;
		si.alg = sess->alg;
		si.signed_msgs = atomic64_read(&sess->nsigned);
		si.verified = atomic64_read(&sess->nverified);
		si.verify_failures = atomic64_read(&sess->nfailed);
		ret = fn(&si, arg);
		if (ret)
			break;
		*pos = index;
	}
	xa_unlock_bh(&pn->sessions);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(smbsign_pn_session_walk);

static int smbsign_default_init(enum smbsign_dir dir, bool require,
				bool audit, const char *algs, const char *param)
{
	struct smbsign_policy *pol = &smbsign_defaults[dir];

	pol->require_signing = require;
	pol->audit = audit;
	pol->allow_guest = allow_insecure_guest;
	if (smbsign_parse_algs(algs, pol->algs, &pol->nalgs)) {
		pr_err("invalid %s=\"%s\": want a list of gmac, cmac, hmac-sha256\n",
		       param, algs);
		return -EINVAL;
	}
	return 0;
}

/**
 * smbsign_policy_init() - take the module parameters, register pernet state
 *
 * Return: 0 or a negative errno.
 */
int __init smbsign_policy_init(void)
{
	int ret;

	ret = smbsign_default_init(SMBSIGN_DIR_CLIENT, require_client_signing,
				   audit_client, client_algorithms,
				   "client_algorithms");
	if (ret)
		return ret;
	ret = smbsign_default_init(SMBSIGN_DIR_SERVER, require_server_signing,
				   audit_server, server_algorithms,
				   "server_algorithms");
	if (ret)
		return ret;
	return register_pernet_subsys(&smbsign_net_ops);
}

/**
 * smbsign_policy_exit() - unregister the pernet state
 */
void smbsign_policy_exit(void)
{
	unregister_pernet_subsys(&smbsign_net_ops);
}
