#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP proxy for SMB2 over loopback that flips one bit in one message.

Used by the consumer tests (guest-test.sh for cifs, ksmbd-test.sh for
ksmbd) to show that a signed message changed in transit is refused.

    tamper-proxy.py --listen 127.0.0.1:4450 --connect 127.0.0.1:445 \\
        --direction response --command READ --min-size 65536 [--nth 1] \\
        [--listen-netns /run/netns/x] [--strip-signing] [--ready FILE]

The proxy relays every connection unchanged, except the one message it
targets: the NTH SMB2 message (counted over all connections, in order of
arrival) that goes in DIRECTION (request: client to server, response:
server to client), has COMMAND, has SMB2_FLAGS_SIGNED set, and whose
SMB2 message (header and body, without the 4-byte transport header) is
at least MIN_SIZE bytes.  In that message it flips bit 0 of the byte in
the middle of the body (after the 64-byte header), which for a READ
response or a WRITE request lies in the file data, and prints one JSON
line to standard output saying what it flipped:

    {"flipped": {"direction": "response", "command": 8,
     "message_id": 12, "session_id": "0x...", "size": 1048656,
     "offset": 524360, "old": 171, "new": 170, "data_index": 524280,
     "file_offset": null, "write_offset": null, "write_length": null,
     "connection": 1}}

(offset: in the SMB2 message; data_index: in the READ/WRITE data;
file_offset: WRITE's Offset + data_index; write_offset, write_length: the
WRITE's Offset and Length; the last three null but for a WRITE request).
Only one message is ever changed; after it the proxy relays bytes without
looking at them.  When a connection ends, one more line says which side
closed it first: {"closed_by": "server"|"client", "connection": N}.  Compound chains are walked (NextCommand); messages with
a transform or compression header are relayed untouched.

--listen-netns PATH: create the listening socket in the network
namespace PATH (e.g. /run/netns/NAME or /proc/PID/ns/net) and connect to
the server from the namespace the proxy was started in: a client in a
new network namespace reaches a server in the initial one, with no
network device (the test kernels have no veth).  Then --command may be
omitted (--nth 0): nothing is flipped.

--strip-signing: in every SMB2 NEGOTIATE response (every connection),
clear the signing bits of SecurityMode, SMB2_NEGOTIATE_SIGNING_ENABLED
(0x1) and SMB2_NEGOTIATE_SIGNING_REQUIRED (0x2), so that the client sees
a server that cannot sign (Samba always sets SIGNING_ENABLED, even with
"server signing = disabled").  Each NEGOTIATE response is reported:

    {"stripped": {"connection": 1, "message_id": 0, "dialect": "0x0311",
     "security_mode": 1, "new_security_mode": 0}}

The NEGOTIATE response is not signed, so nothing else changes in it; the
server still knows it said SIGNING_ENABLED: at 3.0 and 3.0.2,
FSCTL_VALIDATE_NEGOTIATE_INFO returns the real SecurityMode, and at 3.1.1
the client's pre-authentication hash covers the altered response while
the server's covers the original, so their keys differ.  Then --command
may be omitted: nothing is flipped.

--ready FILE: written once the listening socket is open.
"""

import argparse
import ctypes
import json
import os
import socket
import struct
import sys
import threading

SMB2_MAGIC = b"\xfeSMB"
SMB2_HDR = 64
SIGNING_ENABLED = 0x1
SIGNING_REQUIRED = 0x2
FLAGS_SERVER_TO_REDIR = 0x1
FLAGS_SIGNED = 0x8
COMMANDS = {
    "NEGOTIATE": 0, "SESSION_SETUP": 1, "LOGOFF": 2, "TREE_CONNECT": 3,
    "TREE_DISCONNECT": 4, "CREATE": 5, "CLOSE": 6, "FLUSH": 7, "READ": 8,
    "WRITE": 9, "LOCK": 10, "IOCTL": 11, "CANCEL": 12, "ECHO": 13,
    "QUERY_DIRECTORY": 14, "CHANGE_NOTIFY": 15, "QUERY_INFO": 16,
    "SET_INFO": 17, "OPLOCK_BREAK": 18,
}
CLONE_NEWNET = 0x40000000


class Target:
    """The one message to flip, shared by every connection."""

    def __init__(self, args):
        self.direction = args.direction
        self.command = args.command
        self.min_size = args.min_size
        self.left = args.nth          # matching messages until the target
        self.lock = threading.Lock()
        self.done = args.nth == 0 or args.command is None

    def take(self, direction, cmd, flags, size):
        """True if this message is the one to flip (at most once)."""
        if self.done or direction != self.direction:
            return False
        if cmd != self.command or not flags & FLAGS_SIGNED:
            return False
        if size < self.min_size:
            return False
        with self.lock:
            if self.done:
                return False
            self.left -= 1
            if self.left == 0:
                self.done = True
                return True
        return False


def report(what):
    sys.stdout.write(json.dumps(what, sort_keys=True) + "\n")
    sys.stdout.flush()


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return buf


def strip_signing(frame, pos, end, conn_no):
    """Clear SecurityMode's signing bits of the NEGOTIATE response at pos."""
    # StructureSize (65), SecurityMode, DialectRevision
    if end - pos < SMB2_HDR + 6:
        return
    status, = struct.unpack_from("<I", frame, pos + 8)
    size, sec, dialect = struct.unpack_from("<HHH", frame, pos + SMB2_HDR)
    if status != 0 or size != 65:
        return
    new = sec & ~(SIGNING_ENABLED | SIGNING_REQUIRED)
    struct.pack_into("<H", frame, pos + SMB2_HDR + 2, new)
    mid, = struct.unpack_from("<Q", frame, pos + 24)
    report({"stripped": {
        "connection": conn_no, "message_id": mid,
        "dialect": "0x%04x" % dialect, "security_mode": sec,
        "new_security_mode": new}})


def tamper_frame(frame, direction, target, conn_no, strip=False):
    """Walk the SMB2 chain in one transport frame; flip the target's bit
    (and with strip, clear the signing bits of NEGOTIATE responses)."""
    pos = 0
    while pos + SMB2_HDR <= len(frame):
        if frame[pos:pos + 4] != SMB2_MAGIC:
            return          # transform/compression header: not ours
        flags, next_cmd = struct.unpack_from("<II", frame, pos + 16)
        cmd = struct.unpack_from("<H", frame, pos + 12)[0]
        end = pos + next_cmd if next_cmd else len(frame)
        if end > len(frame) or end <= pos:
            return
        want_resp = direction == "response"
        if strip and want_resp and flags & FLAGS_SERVER_TO_REDIR and \
                cmd == COMMANDS["NEGOTIATE"]:
            strip_signing(frame, pos, end, conn_no)
        if bool(flags & FLAGS_SERVER_TO_REDIR) == want_resp and \
                target.take(direction, cmd, flags, end - pos) and \
                end - pos > SMB2_HDR:
            off = SMB2_HDR + (end - pos - SMB2_HDR) // 2
            old = frame[pos + off]
            frame[pos + off] ^= 0x01
            mid, = struct.unpack_from("<Q", frame, pos + 24)
            sid, = struct.unpack_from("<Q", frame, pos + 40)
            data_index = file_offset = write_offset = write_length = None
            if cmd == COMMANDS["READ"] and want_resp:
                data_off = frame[pos + SMB2_HDR + 2]
                data_index = off - data_off
            elif cmd == COMMANDS["WRITE"] and not want_resp:
                data_off, write_length, write_offset = struct.unpack_from(
                    "<HIQ", frame, pos + SMB2_HDR + 2)
                data_index = off - data_off
                file_offset = write_offset + data_index
            report({"flipped": {
                "direction": direction, "command": cmd, "message_id": mid,
                "session_id": "0x%016x" % sid, "size": end - pos,
                "offset": off, "old": old, "new": frame[pos + off],
                "data_index": data_index, "file_offset": file_offset,
                "write_offset": write_offset, "write_length": write_length,
                "connection": conn_no}})
        pos = end
        if not next_cmd:
            return


def relay(src, dst, direction, target, conn_no, closed, strip):
    """Copy src to dst; parse transport frames while the target is open
    (with strip, always)."""
    try:
        while strip or not target.done:
            hdr = recv_exact(src, 4)
            if hdr is None:
                break
            n = int.from_bytes(hdr[1:4], "big")
            frame = recv_exact(src, n) if n else bytearray()
            if frame is None:
                break
            if hdr[0] == 0:
                tamper_frame(frame, direction, target, conn_no, strip)
            dst.sendall(bytes(hdr) + bytes(frame))
        else:
            while True:
                chunk = src.recv(1 << 20)
                if not chunk:
                    break
                dst.sendall(chunk)
        # src closed first (the other side's thread then sees our shutdown)
        with closed["lock"]:
            if not closed["by"]:
                closed["by"] = "server" if direction == "response" else "client"
                report({"closed_by": closed["by"], "connection": conn_no})
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def hostport(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True, type=hostport)
    ap.add_argument("--connect", required=True, type=hostport)
    ap.add_argument("--direction", choices=("request", "response"),
                    default="response")
    ap.add_argument("--command", type=lambda c: COMMANDS[c.upper()]
                    if c.upper() in COMMANDS else int(c, 0))
    ap.add_argument("--min-size", type=int, default=0)
    ap.add_argument("--nth", type=int, default=1)
    ap.add_argument("--listen-netns")
    ap.add_argument("--strip-signing", action="store_true")
    ap.add_argument("--ready")
    args = ap.parse_args()

    target = Target(args)
    if args.listen_netns:
        home = "/proc/self/ns/net"
        home_fd = os.open(home, os.O_RDONLY)
        setns(args.listen_netns)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(args.listen)
    ls.listen(8)
    if args.listen_netns:
        setns("/proc/self/fd/%d" % home_fd)
        os.close(home_fd)
    report({"listening": "%s:%d" % args.listen,
            "netns": args.listen_netns, "connect": "%s:%d" % args.connect,
            "target": None if target.done else {
                "direction": args.direction, "command": args.command,
                "min_size": args.min_size, "nth": args.nth},
            "strip_signing": args.strip_signing})
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    conn_no = 0
    while True:
        c, _ = ls.accept()
        conn_no += 1
        s = socket.create_connection(args.connect)
        for sock in (c, s):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        report({"connection": conn_no})
        closed = {"lock": threading.Lock(), "by": None}
        threading.Thread(target=relay, daemon=True,
                         args=(c, s, "request", target, conn_no,
                               closed, False)).start()
        threading.Thread(target=relay, daemon=True,
                         args=(s, c, "response", target, conn_no,
                               closed, args.strip_signing)).start()


if __name__ == "__main__":
    main()
