// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign: module init and exit.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

#include "smbsign.h"

static int __init smbsign_init(void)
{
	int ret;

	ret = smbsign_alg_init();
	if (ret)
		return ret;

	ret = smbsign_kdf_init();
	if (ret)
		goto err_alg;

	ret = smbsign_selftest();
	if (ret)
		goto err_kdf;

	/* impl=auto: time smbsign's code and the crypto API, pick */
	ret = smbsign_impl_init();
	if (ret)
		goto err_kdf;

	/* smbsign-init: further subsystems (policy, netlink) go here. */
	ret = smbsign_policy_init();
	if (ret)
		goto err_kdf;

	ret = smbsign_netlink_init();
	if (ret)
		goto err_netlink;

	pr_info("SMB2/SMB3 signing loaded\n");
	return 0;

err_netlink:
	smbsign_policy_exit();
err_kdf:
	smbsign_kdf_exit();
err_alg:
	smbsign_alg_exit();
	return ret;
}

static void __exit smbsign_exit(void)
{
	/* smbsign-exit: further subsystems, in reverse order, go here. */
	smbsign_netlink_exit();
	smbsign_policy_exit();
	smbsign_kdf_exit();
	smbsign_alg_exit();
}

module_init(smbsign_init);
module_exit(smbsign_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SMB2/SMB3 message signing and verification");
MODULE_AUTHOR("The smbsign authors");
MODULE_VERSION(SMBSIGN_VERSION);
