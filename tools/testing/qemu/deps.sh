#!/bin/bash
# Install the Debian packages of tools/testing/deps.txt (and the kernel source
# package(s) of $KVER) that are missing; a no-op when everything is there.
exec bash "$(dirname "$0")/harness.sh" deps
