// SPDX-License-Identifier: GPL-2.0
/*
 * smbsign-keyscan: look for key material in files and in what the smbsign
 * generic netlink family says.
 *
 *   smbsign-keyscan -k PATTERNS FILE...
 *   smbsign-keyscan -k PATTERNS -c [-o DUMPFILE] -- COMMAND [ARG...]
 *
 * PATTERNS has "name hex" lines (tools/testing/keys/keys.py).  Each secret
 * is looked for as raw bytes and as hex text (either case, with or without
 * separators such as spaces, colons, dashes, commas or "0x"), whole and
 * as any 8 consecutive bytes of it.
 *
 * With -c, as root: join the "events" group, then get the policy, the
 * statistics and the sessions (a dump) of the caller's network namespace,
 * run COMMAND, read the events it caused, get the three again, read the
 * events once more, and scan every byte received (-o writes them to
 * DUMPFILE as well).  It prints what it received and fails if the
 * command caused no event or the dump had no session, which would leave
 * nothing to scan.
 *
 * Exit status: 0 nothing found, 1 something found (each hit is printed:
 * "HIT <name> <raw|hex> <source> <offset>"), 2 error.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/smbsign.h>

#include "../fuzz/nl.h"

#define MAX_PAT		64
#define PAT_MAX		64
#define WINDOW		8

struct pat {
	char name[48];
	uint8_t raw[PAT_MAX];
	size_t len;
	char hex[2 * PAT_MAX + 1];
};

static struct pat pats[MAX_PAT];
static int npats;
static unsigned long hits;

static int load_patterns(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], name[48], hex[2 * PAT_MAX + 2];
	size_t i;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct pat *p = &pats[npats];

		if (line[0] == '#' ||
		    sscanf(line, "%47s %129s", name, hex) != 2)
			continue;
		if (npats == MAX_PAT || strlen(hex) % 2 ||
		    strlen(hex) / 2 < WINDOW || strlen(hex) / 2 > PAT_MAX) {
			fprintf(stderr, "keyscan: bad pattern line: %s", line);
			fclose(f);
			return -1;
		}
		strcpy(p->name, name);
		p->len = strlen(hex) / 2;
		for (i = 0; i < p->len; i++) {
			unsigned int b;

			if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
				fclose(f);
				return -1;
			}
			p->raw[i] = b;
			sprintf(p->hex + 2 * i, "%02x", b);
		}
		npats++;
	}
	fclose(f);
	return npats ? 0 : -1;
}

static const uint8_t *find(const uint8_t *hay, size_t n, const void *needle,
			   size_t m)
{
	return memmem(hay, n, needle, m);
}

static void hit(const struct pat *p, const char *how, const char *src,
		size_t off, size_t win)
{
	hits++;
	printf("HIT %s %s%s %s %zu\n", p->name, how,
	       win < p->len ? " (8 bytes of it)" : "", src, off);
}

/* Hex text with separators and "0x" dropped, lowercased. */
static size_t normalize(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = in[i];

		if (c == '0' && i + 1 < n && (in[i + 1] == 'x' || in[i + 1] == 'X')) {
			i++;
			continue;
		}
		if (c == ' ' || c == ':' || c == '-' || c == ',' || c == '\n' ||
		    c == '\t' || c == '\r')
			continue;
		out[o++] = tolower(c);
	}
	return o;
}

static void scan(const uint8_t *buf, size_t n, const char *src)
{
	char *norm = malloc(n + 1);
	size_t nn, off;
	int i;

	if (!norm) {
		perror("keyscan");
		exit(2);
	}
	nn = normalize(buf, n, norm);
	for (i = 0; i < npats; i++) {
		const struct pat *p = &pats[i];
		const uint8_t *at;
		bool found = false;

		at = find(buf, n, p->raw, p->len);
		if (at) {
			hit(p, "raw", src, at - buf, p->len);
			found = true;
		}
		at = find((uint8_t *)norm, nn, p->hex, 2 * p->len);
		if (at) {
			hit(p, "hex", src, at - (uint8_t *)norm, p->len);
			found = true;
		}
		if (found)
			continue;
		/* any WINDOW consecutive bytes of it */
		for (off = 0; off + WINDOW <= p->len && !found; off++) {
			at = find(buf, n, p->raw + off, WINDOW);
			if (at) {
				hit(p, "raw", src, at - buf, WINDOW);
				found = true;
				break;
			}
			at = find((uint8_t *)norm, nn, p->hex + 2 * off,
				  2 * WINDOW);
			if (at) {
				hit(p, "hex", src, at - (uint8_t *)norm,
				    WINDOW);
				found = true;
			}
		}
	}
	free(norm);
}

static int scan_file(const char *path)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (fd < 0) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			uint8_t *nb = realloc(buf, cap += 1 << 20);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (fd)
		close(fd);
	if (n < 0) {
		perror(path);
		free(buf);
		return -1;
	}
	printf("# %s: %zu bytes\n", path, len);
	scan(buf, len, path);
	free(buf);
	return 0;
}

/* ------------------------------------------------------------ capture -- */
static uint8_t *cap_buf;
static size_t cap_len, cap_size;
static unsigned long n_events, n_sessions, n_policy, n_stats;
static uint16_t fam;

static void keep(const void *p, size_t n)
{
	if (cap_size - cap_len < n) {
		uint8_t *nb = realloc(cap_buf, cap_size = cap_len + n + (1 << 20));

		if (!nb) {
			perror("keyscan");
			exit(2);
		}
		cap_buf = nb;
	}
	memcpy(cap_buf + cap_len, p, n);
	cap_len += n;
}

static void count_msg(const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	if (h->nlmsg_type != fam || h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	switch (g->cmd) {
	case SMBSIGN_CMD_POLICY_GET:
		n_policy++;
		break;
	case SMBSIGN_CMD_STATS_GET:
		n_stats++;
		break;
	case SMBSIGN_CMD_SESSION_GET:
		n_sessions++;
		break;
	default:
		n_events++;
		break;
	}
}

static void reply_cb(const struct nlmsghdr *h, void *arg)
{
	(void)arg;
	keep(h, h->nlmsg_len);
	count_msg(h);
}

/* The three reads, each on a new socket. */
static int snapshot(void)
{
	static const struct { uint8_t cmd; uint16_t flags; } reqs[] = {
		{ SMBSIGN_CMD_POLICY_GET, NLM_F_REQUEST },
		{ SMBSIGN_CMD_STATS_GET, NLM_F_REQUEST },
		{ SMBSIGN_CMD_SESSION_GET, NLM_F_REQUEST | NLM_F_DUMP },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		int fd = nlt_open(), err;

		if (fd < 0)
			return -errno;
		nlt_genl(buf, fam, reqs[i].cmd, reqs[i].flags, 100 + i);
		err = nlt_talk(fd, buf, reply_cb, NULL);
		close(fd);
		if (err) {
			fprintf(stderr, "keyscan: command %u: %s\n",
				reqs[i].cmd, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void read_events(int fd)
{
	static uint8_t buf[1 << 16];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 ||
	       (n < 0 && errno == ENOBUFS)) {
		struct nlmsghdr *h;

		if (n < 0) {
			fprintf(stderr, "keyscan: events lost (ENOBUFS)\n");
			continue;
		}
		keep(buf, n);
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
			count_msg(h);
	}
}

static int capture(char **cmd, const char *dumpfile)
{
	uint32_t grp = 0;
	int fd = nlt_open(), err, status;
	pid_t pid;

	if (fd < 0)
		return -1;
	err = nlt_family(fd, SMBSIGN_FAMILY_NAME, &grp);
	if (err <= 0 || !grp) {
		fprintf(stderr, "keyscan: no %s family or events group\n",
			SMBSIGN_FAMILY_NAME);
		return -1;
	}
	fam = err;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		perror("keyscan: joining the events group");
		return -1;
	}
	if (snapshot())
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "keyscan: %s failed (status 0x%x)\n", cmd[0],
			status);
		return -1;
	}
	usleep(200000);
	read_events(fd);
	if (snapshot())
		return -1;
	read_events(fd);
	close(fd);
	printf("# netlink: %zu bytes: %lu events, %lu policy, %lu stats, %lu session messages\n",
	       cap_len, n_events, n_policy, n_stats, n_sessions);
	if (dumpfile) {
		FILE *f = fopen(dumpfile, "w");

		if (!f || fwrite(cap_buf, 1, cap_len, f) != cap_len) {
			perror(dumpfile);
			return -1;
		}
		fclose(f);
	}
	scan(cap_buf, cap_len, "netlink");
	if (!n_events || !n_sessions || !n_policy || !n_stats) {
		fprintf(stderr, "keyscan: nothing captured to scan (events %lu, sessions %lu)\n",
			n_events, n_sessions);
		return -1;
	}
	free(cap_buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *keys = NULL, *dumpfile = NULL;
	bool cap = false;
	int opt, i, err = 0;

	while ((opt = getopt(argc, argv, "+k:co:")) != -1) {
		switch (opt) {
		case 'k':
			keys = optarg;
			break;
		case 'c':
			cap = true;
			break;
		case 'o':
			dumpfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!keys || optind >= argc)
		goto usage;
	if (load_patterns(keys)) {
		fprintf(stderr, "keyscan: no patterns in %s\n", keys);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cap) {
		err = capture(argv + optind, dumpfile);
	} else {
		for (i = optind; i < argc; i++)
			if (scan_file(argv[i]))
				err = -1;
	}
	if (err)
		return 2;
	return hits ? 1 : 0;

usage:
	fprintf(stderr,
		"usage: smbsign-keyscan -k PATTERNS FILE...\n"
		"       smbsign-keyscan -k PATTERNS -c [-o DUMPFILE] -- COMMAND [ARG...]\n");
	return 2;
}
