// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign_demo: what `make demo` shows. Derives the SMB 3.1.1 signing key
 * of Microsoft's published example session from its session key and
 * pre-auth hash, then signs and verifies that session's final
 * SESSION_SETUP response with each algorithm, and shows a one-bit change
 * being rejected. Prints signatures (public on the wire), never keys.
 *
 * Values: Microsoft Open Specifications blog, "SMB 2 and SMB 3 security in
 * Windows 10: the anatomy of signing and cryptographic keys" (2017-05-26),
 * SMB 3.1.1 example; see tools/testing/vectors/smb.json.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smbsign.h>

MODULE_IMPORT_NS(SMBSIGN_NS);

static const u8 demo_session_key[] = {
	0x27, 0x0e, 0x1b, 0xa8, 0x96, 0x58, 0x5e, 0xeb,
	0x7a, 0xf3, 0x47, 0x2d, 0x3b, 0x4c, 0x75, 0xa7,
};

static const u8 demo_preauth[] = {
	0x0d, 0xd1, 0x36, 0x28, 0xcc, 0x3e, 0xd2, 0x18,
	0xef, 0x9d, 0xf9, 0x77, 0x2d, 0x43, 0x6d, 0x08,
	0x87, 0xab, 0x98, 0x14, 0xbf, 0xae, 0x63, 0xa8,
	0x0a, 0xa8, 0x45, 0xf3, 0x69, 0x09, 0xdb, 0x79,
	0x28, 0x62, 0x2d, 0xdd, 0xad, 0x52, 0x2d, 0x97,
	0x51, 0x64, 0x0a, 0x45, 0x97, 0x62, 0xc5, 0xa9,
	0xd6, 0xbb, 0x08, 0x4c, 0xbb, 0x3c, 0xe6, 0xbd,
	0xad, 0xef, 0x5d, 0x5b, 0xce, 0x3c, 0x6c, 0x01,
};

static const u8 demo_signing_key[] = {
	0x73, 0xfe, 0x7a, 0x9a, 0x77, 0xbe, 0xf0, 0xbd,
	0xe4, 0x9c, 0x65, 0x0d, 0x8c, 0xcb, 0x5f, 0x76,
};

static const u8 demo_msg[] = {
	0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x80, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x19, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0xeb, 0xe1, 0x46, 0xda, 0x12, 0x0b, 0xa2, 0x5f,
	0xc3, 0x37, 0x6a, 0x49, 0xdf, 0xe3, 0x1b, 0xc1,
	0x09, 0x00, 0x00, 0x00, 0x48, 0x00, 0x1d, 0x00,
	0xa1, 0x1b, 0x30, 0x19, 0xa0, 0x03, 0x0a, 0x01,
	0x00, 0xa3, 0x12, 0x04, 0x10, 0x01, 0x00, 0x00,
	0x00, 0x3b, 0x45, 0x3c, 0xdc, 0x35, 0x24, 0x16,
	0x42, 0x00, 0x00, 0x00, 0x00,
};

static int smbsign_demo_alg(u16 alg, u8 *msg, size_t len)
{
	struct smbsign_key *key;
	int ret, tamper;

	key = smbsign_key_create(SMBSIGN_DIALECT_3_1_1, alg, demo_session_key,
				 sizeof(demo_session_key), demo_preauth);
	if (IS_ERR(key)) {
		pr_err("%s: key: %ld\n", smbsign_alg_name(alg), PTR_ERR(key));
		return PTR_ERR(key);
	}
	memset(msg + SMBSIGN_SIG_OFFSET, 0, SMBSIGN_SIG_SIZE);
	ret = smbsign_sign_buf(key, msg, len);
	if (!ret)
		ret = smbsign_verify_buf(key, msg, len);
	pr_info("%-12s via %-28s signature %*phN  verify: %s\n",
		smbsign_alg_name(alg), smbsign_key_driver(key),
		SMBSIGN_SIG_SIZE, msg + SMBSIGN_SIG_OFFSET,
		ret ? "FAILED" : "ok");
	msg[len - 1] ^= 0x01;
	tamper = smbsign_verify_buf(key, msg, len);
	msg[len - 1] ^= 0x01;
	pr_info("%-12s one bit flipped in the last byte: %s (%d)\n",
		smbsign_alg_name(alg),
		tamper == -EBADMSG ? "rejected, -EBADMSG" : "NOT REJECTED",
		tamper);
	smbsign_key_put(key);
	if (!ret && tamper != -EBADMSG)
		ret = -EINVAL;
	return ret;
}

static int __init smbsign_demo_init(void)
{
	u8 key[SMBSIGN_KEY_SIZE];
	u8 *msg;
	int ret;
	u16 alg;

	ret = smbsign_derive_signing_key(SMBSIGN_DIALECT_3_1_1,
					 demo_session_key,
					 sizeof(demo_session_key),
					 demo_preauth, key);
	if (ret)
		return ret;
	ret = memcmp(key, demo_signing_key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	pr_info("SMB 3.1.1 SigningKey derived from session key + pre-auth hash: %s\n",
		ret ? "DIFFERS from Microsoft's published key" :
		      "matches Microsoft's published key");
	if (ret)
		return -EINVAL;

	msg = kmemdup(demo_msg, sizeof(demo_msg), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	pr_info("published SESSION_SETUP response, %zu bytes, MessageId 3\n",
		sizeof(demo_msg));
	for (alg = 0; alg < SMBSIGN_ALG_COUNT && !ret; alg++) {
		ret = smbsign_demo_alg(alg, msg, sizeof(demo_msg));
		if (ret || alg != SMBSIGN_ALG_AES_CMAC)
			continue;
		ret = memcmp(msg + SMBSIGN_SIG_OFFSET,
			     demo_msg + SMBSIGN_SIG_OFFSET, SMBSIGN_SIG_SIZE);
		pr_info("AES-128-CMAC signature equals the one Windows sent: %s\n",
			ret ? "NO" : "yes");
	}
	kfree(msg);
	pr_info("demo %s\n", ret ? "FAILED" : "done");
	return ret;
}

static void __exit smbsign_demo_exit(void)
{
}

module_init(smbsign_demo_init);
module_exit(smbsign_demo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smbsign demonstration");
