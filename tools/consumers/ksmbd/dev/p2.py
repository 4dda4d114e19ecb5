# development helper: apply "sign and verify through smbsign" to a ksmbd tree
import re, sys
root = sys.argv[1] + '/fs/smb/server/'
def rd(p): return open(root + p).read()
def wr(p, s): open(root + p, 'w').write(s)
def rep(s, a, b, cnt=1):
    if s.count(a) < 1:
        raise SystemExit('not found: ' + a[:200])
    return s.replace(a, b, cnt)

# --- auth.c: drop ksmbd's own signing and signing-key derivation
s = rd('auth.c')
a = s.index('/**\n * ksmbd_sign_smb2_pdu()')
b = s.index('struct derivation {')
s = s[:a] + s[b:]
a = s.index('static int generate_smb3signingkey(')
b = s.index('struct derivation_twin {')
new = '''/**
 * ksmbd_gen_signingkey() - derive and prepare the signing key of a session
 * @sess: the session being set up
 * @conn: the connection it is set up (or bound) on
 *
 * The key is derived by smbsign from the session key (2.x: the session key
 * itself; 3.0, 3.0.2: SP800-108 "SMB2AESCMAC"/"SmbSign"; 3.1.1:
 * "SMBSigningKey" with the pre-authentication hash) and prepared once for
 * the algorithm the connection negotiated, so that every message is then
 * signed and verified without a key schedule. A new session's key is also
 * its first channel's; a channel bound to an existing session gets its own.
 *
 * Return: 0, or a negative errno.
 */
int ksmbd_gen_signingkey(struct ksmbd_session *sess, struct ksmbd_conn *conn)
{
	u16 dialect = conn->dialect;
	u16 alg = le16_to_cpu(conn->signing_algorithm);
	const u8 *preauth = NULL;
	struct smbsign_key *key;
	struct channel *chann = NULL;
	bool binding = dialect >= SMB30_PROT_ID && conn->binding;

	if (dialect == SMB311_PROT_ID) {
		if (conn->binding) {
			struct preauth_session *preauth_sess;

			preauth_sess = ksmbd_preauth_session_lookup(conn, sess->id);
			if (!preauth_sess)
				return -ENOENT;
			preauth = preauth_sess->Preauth_HashValue;
		} else {
			preauth = sess->Preauth_HashValue;
		}
		if (!preauth)
			return -EINVAL;
	}
	if (dialect >= SMB30_PROT_ID) {
		chann = lookup_chann_list(sess, conn);
		if (!chann)
			return 0;
	}

	key = smbsign_key_create(dialect, alg, sess->sess_key,
				 SMB2_NTLMV2_SESSKEY_SIZE, preauth);
	if (IS_ERR(key))
		return PTR_ERR(key);

	if (binding) {
		smbsign_key_put(chann->sign_key);
		chann->sign_key = key;
		return 0;
	}

	if (!sess->smbsign) {
		struct smbsign_session *ss;

		ss = smbsign_session_register(ksmbd_conn_net(conn),
					      SMBSIGN_DIR_SERVER, sess->id,
					      dialect, alg);
		if (IS_ERR(ss)) {
			smbsign_key_put(key);
			return PTR_ERR(ss);
		}
		sess->smbsign = ss;
	}
	smbsign_key_put(sess->sign_key);
	sess->sign_key = key;
	if (chann) {
		smbsign_key_put(chann->sign_key);
		chann->sign_key = smbsign_key_get(key);
	}
	ksmbd_debug(AUTH, "signing key of session %llu: %s\\n", sess->id,
		    smbsign_alg_name(alg));
	return 0;
}

'''
s = s[:a] + new + s[b:]
if 'sess_key[CIFS_KEY_SIZE];\n\t__u8\t\t\tsmb3signingkey' in rd('mgmt/user_session.h'):
    s = rep(s, 'key = smbsign_key_create(dialect, alg, sess->sess_key,\n\t\t\t\t SMB2_NTLMV2_SESSKEY_SIZE, preauth);',
            'key = smbsign_key_create(dialect, alg,\n\t\t\t\t binding ? chann->sess_key : sess->sess_key,\n\t\t\t\t SMB2_NTLMV2_SESSKEY_SIZE, preauth);')
s = rep(s, '#include <linux/scatterlist.h>\n', '#include <linux/scatterlist.h>\n#include <linux/smbsign.h>\n')
wr('auth.c', s)

s = rd('auth.h')
s, k = re.subn(r'(int|void) ksmbd_sign_smb2_pdu\(struct ksmbd_conn \*conn, char \*key, struct kvec \*iov,\n\s*int n_vec, char \*sig\);\n(int|void) ksmbd_sign_smb3_pdu\(struct ksmbd_conn \*conn, char \*key, struct kvec \*iov,\n\s*int n_vec, char \*sig\);\nint ksmbd_gen_smb30_signingkey\(struct ksmbd_session \*sess,\n\s*struct ksmbd_conn \*conn\);\nint ksmbd_gen_smb311_signingkey\(struct ksmbd_session \*sess,\n\s*struct ksmbd_conn \*conn\);\n',
    'int ksmbd_gen_signingkey(struct ksmbd_session *sess, struct ksmbd_conn *conn);\n', s)
assert k == 1, 'auth.h prototypes'
wr('auth.h', s)

# --- ops: one key generation for every dialect, called by smb2pdu.c
s = rd('smb2ops.c')
s = rep(s, '\t.generate_signingkey\t=\tksmbd_gen_smb30_signingkey,\n', '')
s = rep(s, '\t.generate_signingkey\t=\tksmbd_gen_smb311_signingkey,\n', '')
wr('smb2ops.c', s)
s = rd('smb_common.h')
s = rep(s, '\tint (*generate_signingkey)(struct ksmbd_session *sess, struct ksmbd_conn *conn);\n', '')
wr('smb_common.h', s)

# --- sessions and channels hold smbsign keys
s = rd('mgmt/user_session.h')
s = rep(s, 'struct ksmbd_file_table;\n', 'struct ksmbd_file_table;\nstruct smbsign_key;\nstruct smbsign_session;\n')
s = rep(s, '''	__u8			smb3signingkey[SMB3_SIGN_KEY_SIZE];
	struct ksmbd_conn	*conn;''', '''	struct smbsign_key	*sign_key;
	struct ksmbd_conn	*conn;''')
s = rep(s, '''	__u8				smb3signingkey[SMB3_SIGN_KEY_SIZE];
''', '''	/* signing key (of the first channel) and smbsign's session */
	struct smbsign_key		*sign_key;
	struct smbsign_session		*smbsign;
''')
wr('mgmt/user_session.h', s)

s = rd('mgmt/user_session.c')
s, k = re.subn(r'(\t\txa_erase\(&sess->ksmbd_chann_list, index\);\n)(\t\tkfree(_sensitive)?\(chann\);)',
               r'\1\t\tsmbsign_key_put(chann->sign_key);\n\2', s)
assert k == 1, 'free_channel_list'
s = rep(s, '''	free_channel_list(sess);
''', '''	free_channel_list(sess);
	smbsign_key_put(sess->sign_key);
	smbsign_session_unregister(sess->smbsign);
''')
s, k = re.subn(r'(\tif \(!chann\)\n\t\treturn -ENOENT;\n\n)(\tkfree(_sensitive)?\(chann\);)',
               r'\1\tsmbsign_key_put(chann->sign_key);\n\2', s)
assert k == 1, 'ksmbd_chann_del'
s = rep(s, '#include <linux/xarray.h>\n', '#include <linux/xarray.h>\n#include <linux/smbsign.h>\n')
wr('mgmt/user_session.c', s)

# --- the connection's network namespace (policy, counters, events)
s = rd('connection.h')
s = rep(s, '\tbool\t\t\t\tsigning_negotiated;\n', '\tbool\t\t\t\tsigning_negotiated;\n\t/* network namespace of the socket (not referenced: see transport) */\n\tstruct net\t\t\t*net;\n')
s = rep(s, '#include "ksmbd_work.h"\n', '''#include "ksmbd_work.h"
''')
s += ''
# helper after the struct
s = rep(s, '\nstruct ksmbd_conn_ops {', '''
static inline struct net *ksmbd_conn_net(struct ksmbd_conn *conn)
{
	return conn->net ?: &init_net;
}

struct ksmbd_conn_ops {''')
wr('connection.h', s)
s = rd('transport_tcp.c')
s = rep(s, '''	conn = ksmbd_conn_alloc();
	if (!conn) {
		kfree(t);
		return NULL;
	}
''', '''	conn = ksmbd_conn_alloc();
	if (!conn) {
		kfree(t);
		return NULL;
	}
	/*
	 * The listening socket lives in the namespace ksmbd was started in,
	 * which outlives its connections (ksmbd takes no reference either).
	 */
	conn->net = sock_net(client_sk->sk);
''')
wr('transport_tcp.c', s)

# --- smb2pdu.c: key generation, signing and verification
s = rd('smb2pdu.c')
def keygen(m):
    v, body = m.group(1), m.group(2)
    body = body.replace('SMB3 signing key generation failed\\n"', 'signing key generation failed: %d\\n", ' + v)
    body = '\n'.join(l[1:] if l.startswith('\t\t') else l for l in body.split('\n'))
    return '\t%s = ksmbd_gen_signingkey(sess, conn);\n%s\n' % (v, body)
s, k = re.subn(r'\tif \(conn->ops->generate_signingkey\) \{\n\t\t(\w+) = conn->ops->generate_signingkey\(sess, conn\);\n(\t\tif \(\w+\) \{\n.*?\n\t\t\})\n\t\}\n',
               keygen, s, flags=re.S)
assert k == 2, 'generate_signingkey call sites: %d' % k
s = s.replace('chann = kmalloc(sizeof(struct channel), ', 'chann = kzalloc(sizeof(struct channel), ')
s = s.replace('chann = kmalloc_obj(struct channel, ', 'chann = kzalloc_obj(struct channel, ')
a = s.index('/**\n * smb2_check_sign_req()')
b = s.index('/**\n * smb3_preauth_hash_rsp()')
new = '''/*
 * ksmbd_verify_req() - verify the signature of the current request
 * @work: the request
 * @key: the key it must be signed with (session's or channel's)
 *
 * The message is verified by smbsign over its own extent: to NextCommand
 * in a compound chain, to the end of the PDU otherwise. A failure is
 * counted on the session and announced as an smbsign event with the
 * command and MessageId; the caller answers STATUS_ACCESS_DENIED.
 *
 * Return: 1 if the signature is right, 0 otherwise.
 */
static int ksmbd_verify_req(struct ksmbd_work *work, struct smbsign_key *key)
{
	struct ksmbd_session *sess = work->sess;
	struct smb2_hdr *hdr;
	struct kvec iov;
	size_t len;
	int rc;

	hdr = smb_get_msg(work->request_buf);
	if (work->next_smb2_rcv_hdr_off)
		hdr = ksmbd_req_buf_next(work);

	if (!hdr->NextCommand && !work->next_smb2_rcv_hdr_off)
		len = get_rfc1002_len(work->request_buf);
	else if (hdr->NextCommand)
		len = le32_to_cpu(hdr->NextCommand);
	else
		len = get_rfc1002_len(work->request_buf) -
			work->next_smb2_rcv_hdr_off;

	if (!key || !sess->smbsign) {
		pr_err_ratelimited("signed request on session %llu without a signing key\\n",
				   sess->id);
		return 0;
	}

	iov.iov_base = (char *)&hdr->ProtocolId;
	iov.iov_len = len;
	rc = smbsign_verify(key, &iov, 1);
	if (rc) {
		smbsign_session_verify_failed(sess->smbsign,
					      le16_to_cpu(hdr->Command),
					      le64_to_cpu(hdr->MessageId));
		pr_err_ratelimited("bad smb2 signature (session %llu, command %u, message %llu): %d\\n",
				   sess->id, le16_to_cpu(hdr->Command),
				   le64_to_cpu(hdr->MessageId), rc);
		return 0;
	}
	smbsign_session_verified(sess->smbsign);
	return 1;
}

/*
 * ksmbd_sign_rsp() - sign the current response
 * @work: the response
 * @key: the key to sign it with (session's or channel's)
 *
 * The current response is every kvec from the first one pinned at its
 * header to the last one pinned: its body, the data of a READ, and an
 * error body a failing command pinned after its own (a TREE_CONNECT to a
 * missing share sends both). All of it goes out as one message, so all of
 * it is signed, padding to the next message of a compound included.
 */
static void ksmbd_sign_rsp(struct ksmbd_work *work, struct smbsign_key *key)
{
	struct ksmbd_session *sess = work->sess;
	struct smb2_hdr *hdr = ksmbd_resp_buf_curr(work);
	int first, rc;

	if (!key || !sess->smbsign)
		return;

	for (first = 1; first <= work->iov_idx; first++)
		if (work->iov[first].iov_base == (void *)hdr)
			break;
	if (first > work->iov_idx) {
		pr_err_ratelimited("response to sign not found (session %llu)\\n",
				   sess->id);
		return;
	}

	hdr->Flags |= SMB2_FLAGS_SIGNED;
	rc = smbsign_sign(key, &work->iov[first], work->iov_idx - first + 1);
	if (rc) {
		memset(hdr->Signature, 0, SMB2_SIGNATURE_SIZE);
		pr_err_ratelimited("cannot sign the response (session %llu): %d\\n",
				   sess->id, rc);
		return;
	}
	smbsign_session_signed(sess->smbsign);
}

/**
 * smb2_check_sign_req() - handler for req packet sign processing
 * @work:   smb work containing notify command buffer
 *
 * SMB 2.x: HMAC-SHA256 with the session's key.
 *
 * Return:	1 on success, 0 otherwise
 */
int smb2_check_sign_req(struct ksmbd_work *work)
{
	return ksmbd_verify_req(work, work->sess->sign_key);
}

/**
 * smb2_set_sign_rsp() - handler for rsp packet sign processing
 * @work:   smb work containing notify command buffer
 *
 */
void smb2_set_sign_rsp(struct ksmbd_work *work)
{
	ksmbd_sign_rsp(work, work->sess->sign_key);
}

/**
 * smb3_check_sign_req() - handler for req packet sign processing
 * @work:   smb work containing notify command buffer
 *
 * SMB 3.x: SESSION_SETUP is signed with the session's key, every other
 * request with the key of the channel it came in on.
 *
 * Return:	1 on success, 0 otherwise
 */
int smb3_check_sign_req(struct ksmbd_work *work)
{
	struct smb2_hdr *hdr;
	struct channel *chann;

	hdr = smb_get_msg(work->request_buf);
	if (work->next_smb2_rcv_hdr_off)
		hdr = ksmbd_req_buf_next(work);

	if (le16_to_cpu(hdr->Command) == SMB2_SESSION_SETUP_HE)
		return ksmbd_verify_req(work, work->sess->sign_key);

	chann = lookup_chann_list(work->sess, work->conn);
	if (!chann)
		return 0;
	return ksmbd_verify_req(work, chann->sign_key);
}

/**
 * smb3_set_sign_rsp() - handler for rsp packet sign processing
 * @work:   smb work containing notify command buffer
 *
 */
void smb3_set_sign_rsp(struct ksmbd_work *work)
{
	struct ksmbd_conn *conn = work->conn;
	struct smb2_hdr *hdr;
	struct channel *chann;

	hdr = ksmbd_resp_buf_curr(work);

	if (conn->binding == false &&
	    le16_to_cpu(hdr->Command) == SMB2_SESSION_SETUP_HE) {
		ksmbd_sign_rsp(work, work->sess->sign_key);
		return;
	}

	chann = lookup_chann_list(work->sess, work->conn);
	if (!chann)
		return;
	ksmbd_sign_rsp(work, chann->sign_key);
}

'''
if 'hdr->Status != STATUS_SUCCESS' in s[a:b]:
    new = new.replace('''	if (conn->binding == false &&
	    le16_to_cpu(hdr->Command) == SMB2_SESSION_SETUP_HE) {''', '''	if (le16_to_cpu(hdr->Command) == SMB2_SESSION_SETUP_HE &&
	    (!conn->binding || hdr->Status != STATUS_SUCCESS)) {''')
s = s[:a] + new + s[b:]
s = rep(s, '#include <linux/mount.h>\n', '#include <linux/mount.h>\n#include <linux/smbsign.h>\n')
wr('smb2pdu.c', s)

s = rd('server.c')
s = rep(s, 'MODULE_LICENSE("GPL");', 'MODULE_LICENSE("GPL");\nMODULE_IMPORT_NS(%s);' % sys.argv[2])
s = rep(s, 'MODULE_LICENSE("GPL");\n', 'MODULE_LICENSE("GPL");\nMODULE_SOFTDEP("pre: smbsign");\n')
wr('server.c', s)
