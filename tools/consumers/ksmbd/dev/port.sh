#!/bin/bash
# development helper: port the 6.1 series to another kernel's ksmbd with
# the p*.py scripts, one commit each with the 6.1 commit's message
# usage: port.sh KVER NS   (work trees in ~/.cache/smbsign/ksmbd-work/)
set -e
K=$1 NS=$2
W=~/.cache/smbsign/ksmbd-work
D=$(cd "$(dirname "$0")" && pwd)
cd "$W/$K"
base=$(git rev-list --max-parents=0 HEAD)
git reset -q --hard "$base"
msg() { git -C "$W/6.1" log --format=%B -1 "$(git -C "$W/6.1" log --format=%H --grep="$1" | head -n1)"; }
c() { git add -A fs/smb/server; git -c user.name="smbsign authors" -c user.email=smbsign@localhost commit -q -F <(msg "$1"); }
python3 "$D/p1.py" . && c "listen on kernels built without"
python3 "$D/p1b.py" . && c "send an error response in place"
python3 "$D/p2.py" . "$NS" && c "sign and verify SMB2/SMB3 messages"
python3 "$D/p3.py" . && c "choose the signing algorithm"
python3 "$D/p4.py" . && c "apply smbsign's inbound"
git log --oneline
