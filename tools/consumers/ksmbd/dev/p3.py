# development helper: "choose the signing algorithm by smbsign's policy"
import sys
root = sys.argv[1] + '/fs/smb/server/'
def rd(p): return open(root + p).read()
def wr(p, s): open(root + p, 'w').write(s)
def rep(s, a, b):
    if a not in s:
        raise SystemExit('not found: ' + a[:200])
    return s.replace(a, b, 1)

s = rd('smb2pdu.c')
a = s.index('\tfor (i = 0; i < sign_algo_cnt; i++) {\n\t\tif (pneg_ctxt->SigningAlgorithms[i] == SIGNING_ALG_HMAC_SHA256_LE ||')
b = s.index('\n}\n', a)
s = s[:a] + '''	/*
	 * The server's preference decides ([MS-SMB2] 3.3.5.4 leaves it to
	 * the server; Samba and Windows do so), not the client's order:
	 * smbsign's policy (default AES-GMAC, AES-CMAC, HMAC-SHA256) over
	 * what the client offers. Without an overlap the connection signs
	 * with AES-CMAC and no SIGNING_CAPABILITIES is returned.
	 */
	n = min_t(int, sign_algo_cnt, ARRAY_SIZE(offered));
	for (i = 0; i < n; i++)
		offered[i] = le16_to_cpu(pneg_ctxt->SigningAlgorithms[i]);
	alg = smbsign_policy_select_alg(ksmbd_conn_net(conn), offered, n);
	if (alg < 0)
		return;
	ksmbd_debug(SMB, "Signing Algorithm ID = 0x%x\\n", alg);
	conn->signing_negotiated = true;
	conn->signing_algorithm = cpu_to_le16(alg);''' + s[b:]
s = rep(s, '''	int sign_algo_cnt;
	int i, sign_alos_size;
''', '''	u16 offered[8];
	int sign_algo_cnt;
	int i, n, alg, sign_alos_size;
''')
wr('smb2pdu.c', s)

s = rd('smb2ops.c')
k = s.index('int init_smb3_11_server(')
head, s = s[:k], s[k:]
s = head + rep(s, '''	conn->cmds = smb2_0_server_cmds;
	conn->max_cmds = ARRAY_SIZE(smb2_0_server_cmds);
	conn->signing_algorithm = SIGNING_ALG_AES_CMAC_LE;

	if (server_conf.flags & KSMBD_GLOBAL_FLAG_SMB2_LEASES)
		conn->vals->req_capabilities |= SMB2_GLOBAL_CAP_LEASING |
			SMB2_GLOBAL_CAP_DIRECTORY_LEASING;''', '''	conn->cmds = smb2_0_server_cmds;
	conn->max_cmds = ARRAY_SIZE(smb2_0_server_cmds);
	/* the negotiated algorithm, if any, was set by the contexts */
	if (!conn->signing_negotiated)
		conn->signing_algorithm = SIGNING_ALG_AES_CMAC_LE;

	if (server_conf.flags & KSMBD_GLOBAL_FLAG_SMB2_LEASES)
		conn->vals->req_capabilities |= SMB2_GLOBAL_CAP_LEASING |
			SMB2_GLOBAL_CAP_DIRECTORY_LEASING;''')
wr('smb2ops.c', s)
