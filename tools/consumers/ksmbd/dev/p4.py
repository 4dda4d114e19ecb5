# development helper: "apply smbsign's inbound signing policy"
import sys
root = sys.argv[1] + '/fs/smb/server/'
def rd(p): return open(root + p).read()
def wr(p, s): open(root + p, 'w').write(s)
def rep(s, a, b, cnt=1):
    if s.count(a) < cnt:
        raise SystemExit('not found %d times: %s' % (cnt, a[:200]))
    return s.replace(a, b, cnt)

s = rd('smb2pdu.c')
# negotiate: smbsign's require_signing makes signing required
s = rep(s, '''	rsp->SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED_LE;
	if (server_conf.signing == KSMBD_CONFIG_OPT_MANDATORY)
		rsp->SecurityMode |= SMB2_NEGOTIATE_SIGNING_REQUIRED_LE;
''', '''	rsp->SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED_LE;
	if (server_conf.signing == KSMBD_CONFIG_OPT_MANDATORY ||
	    ksmbd_smbsign_require(conn))
		rsp->SecurityMode |= SMB2_NEGOTIATE_SIGNING_REQUIRED_LE;
''')
s = rep(s, '''		rsp->SecurityMode |= SMB2_NEGOTIATE_SIGNING_REQUIRED_LE;
		conn->sign = true;
	}
''', '''		rsp->SecurityMode |= SMB2_NEGOTIATE_SIGNING_REQUIRED_LE;
		conn->sign = true;
	}
	/* smbsign's policy can only make the server stricter */
	if (ksmbd_smbsign_require(conn)) {
		rsp->SecurityMode |= SMB2_NEGOTIATE_SIGNING_REQUIRED_LE;
		conn->sign = true;
	}
''')
# helpers before init_smb2_neg_rsp
k = s.index('/**\n * init_smb2_neg_rsp()')
s = s[:k] + '''/*
 * ksmbd_smbsign_require() - whether smbsign's server policy of the
 * connection's network namespace requires signing ("require on")
 */
static bool ksmbd_smbsign_require(struct ksmbd_conn *conn)
{
	struct smbsign_policy pol;

	smbsign_policy_get(ksmbd_conn_net(conn), SMBSIGN_DIR_SERVER, &pol);
	return pol.require_signing;
}

/*
 * ksmbd_smbsign_decide() - smbsign's inbound policy for a new session
 * @work: the SESSION_SETUP that completes authentication
 * @rsp: its response (SessionFlags says guest)
 *
 * Signing required refuses a session that will not be signed; a guest or
 * anonymous session (never signed) is refused unless allow_insecure_guest,
 * and audit mode lets both through. smbsign counts and announces the
 * decision. A refusal sets the response status smbsign maps the verdict
 * to (STATUS_INVALID_SIGNATURE, STATUS_SMB_GUEST_LOGON_BLOCKED).
 *
 * Return: 0 to go ahead, -ENOKEY when refused.
 */
static int ksmbd_smbsign_decide(struct ksmbd_work *work,
				struct smb2_sess_setup_rsp *rsp)
{
	struct ksmbd_session *sess = work->sess;
	enum smbsign_verdict v;
	bool guest;

	guest = rsp->SessionFlags & SMB2_SESSION_FLAG_IS_GUEST_LE ||
		(sess->user && ksmbd_anonymous_user(sess->user));
	v = smbsign_session_decide(ksmbd_conn_net(work->conn),
				   SMBSIGN_DIR_SERVER, sess->id,
				   !guest && (sess->sign || sess->enc), guest);
	if (smbsign_verdict_allowed(v))
		return 0;
	rsp->hdr.Status = cpu_to_le32(smbsign_verdict_status(v, SMBSIGN_DIR_SERVER));
	return -ENOKEY;
}

''' + s[k:]
# session setup: after the signing/encryption decision, before binding
_b = s.index('binding_session:')
goto_out = 'goto out;' in s[_b:s.index('\n}\n', _b)]
for v in ('rc', 'retval'):
    s = rep(s, '''		sess->sign = false;
	}

binding_session:''', '''		sess->sign = false;
	}

	%s = ksmbd_smbsign_decide(work, rsp);
	if (%s)
		%s;

binding_session:''' % (v, v, 'goto out' if goto_out else 'return ' + v))
if '''			rc = krb5_authenticate(work, req, rsp);
			if (rc) {
				rc = -EINVAL;''' in s: s = rep(s, '''			rc = krb5_authenticate(work, req, rsp);
			if (rc) {
				rc = -EINVAL;
				goto out_err;
			}''', '''			rc = krb5_authenticate(work, req, rsp);
			if (rc) {
				if (rc != -ENOKEY)
					rc = -EINVAL;
				goto out_err;
			}''')
s = rep(s, '''	else if (rc)
		rsp->hdr.Status = STATUS_LOGON_FAILURE;''', '''	else if (rc == -ENOKEY)
		; /* refused by smbsign's policy, status set */
	else if (rc)
		rsp->hdr.Status = STATUS_LOGON_FAILURE;''')
wr('smb2pdu.c', s)
