// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID COMMAND [ARG...]: run COMMAND as UID (and GID UID, no
 * supplementary groups), without capabilities: the guest tests' unprivileged
 * user (busybox's setpriv cannot change the uid).
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long id;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID COMMAND [ARG...]\n");
		return 2;
	}
	id = strtol(argv[1], &end, 10);
	if (*end || id <= 0 || id > 65535) {
		fprintf(stderr, "runas: bad uid \"%s\"\n", argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
		fprintf(stderr, "runas: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "runas: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
