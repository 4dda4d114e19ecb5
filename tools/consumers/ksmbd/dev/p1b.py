# development helper: "send an error response in place of the response a
# failing command pinned"
import sys
p = sys.argv[1] + '/fs/smb/server/smb2pdu.c'
s = open(p).read()
a = '''		err_rsp->ByteCount = 0;
		err_rsp->ErrorData[0] = 0;
		err = ksmbd_iov_pin_rsp(work, (void *)err_rsp,'''
assert s.count(a) == 1, 'smb2_set_err_rsp'
s = s.replace(a, '''		err_rsp->ByteCount = 0;
		err_rsp->ErrorData[0] = 0;
		/*
		 * A command that pinned its own response before failing (as
		 * TREE_CONNECT does): the error response replaces it rather
		 * than going out behind it with the same header again.
		 */
		if (work->iov_idx &&
		    work->iov[work->iov_idx].iov_base == (void *)err_rsp) {
			inc_rfc1001_len(work->iov[0].iov_base,
					-(int)work->iov[work->iov_idx].iov_len);
			work->iov_idx--;
			work->iov_cnt--;
		}
		err = ksmbd_iov_pin_rsp(work, (void *)err_rsp,''')
open(p, 'w').write(s)
