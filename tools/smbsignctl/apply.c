// SPDX-License-Identifier: GPL-2.0
/*
 * smbsignctl apply: a policy file in the words of `smbsignctl set` and
 * `smbsignctl preset`, one command per line, applied in one policy-set
 * request (all or nothing) or only checked.
 *
 *   # /etc/smbsign/smbsign.conf
 *   preset win11-24h2-pro
 *   set server audit on
 *   client algorithms gmac,cmac       # "set" may be left out
 *
 * '#' starts a comment, to the end of the line. Later lines override
 * earlier ones, as the same commands typed in that order would. Errors
 * name the file, line and column and nothing is applied.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/genetlink.h>
#include <linux/smbsign.h>

#include "smbsignctl.h"

#define APPLY_DEFAULT_FILE "/etc/smbsign/smbsign.conf"
#define APPLY_MAX_WORDS 6

struct apply_word {
	const char *s;
	size_t len;
};

struct apply_ctx {
	const char *file;
	unsigned int line;
	const char *text;	/* the line, for columns */
	bool check;
	unsigned int settings;
};

static int apply_err(const struct apply_ctx *c, const char *at,
		     const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:%u:%u: ", prog, c->file, c->line,
		(unsigned int)(at - c->text) + 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", c->check ? "" : "; nothing applied");
	return -1;
}

static bool word_is(const struct apply_word *w, const char *s)
{
	return w->len == strlen(s) && !strncmp(w->s, s, w->len);
}

/* as parse_bool() in smbsignctl.c: yes|no, on|off, true|false, 1|0 */
static int word_bool(const struct apply_word *w, const char *yes,
		     const char *no)
{
	if (word_is(w, yes) || word_is(w, "on") || word_is(w, "true") ||
	    word_is(w, "1"))
		return 1;
	if (word_is(w, no) || word_is(w, "off") || word_is(w, "false") ||
	    word_is(w, "0"))
		return 0;
	return -1;
}

static int word_dir(const struct apply_word *w)
{
	if (word_is(w, "client") || word_is(w, "outbound"))
		return SMBSIGN_DIRECTION_CLIENT;
	if (word_is(w, "server") || word_is(w, "inbound"))
		return SMBSIGN_DIRECTION_SERVER;
	return -1;
}

/* as parse_algs() in policy.c, with the column of the bad name */
static int word_algs(const struct apply_ctx *c, const struct apply_word *w,
		     uint32_t *algs, int *nalgs)
{
	static const struct {
		const char *name;
		uint32_t alg;
	} names[] = {
		{ "gmac", SMBSIGN_SIGNING_ALG_AES_GMAC },
		{ "aes-gmac", SMBSIGN_SIGNING_ALG_AES_GMAC },
		{ "cmac", SMBSIGN_SIGNING_ALG_AES_CMAC },
		{ "aes-cmac", SMBSIGN_SIGNING_ALG_AES_CMAC },
		{ "hmac-sha256", SMBSIGN_SIGNING_ALG_HMAC_SHA256 },
		{ "hmac", SMBSIGN_SIGNING_ALG_HMAC_SHA256 },
	};
	const char *s = w->s, *end = w->s + w->len;
	int n = 0;

	for (;;) {
		size_t len = strcspn(s, ",");
		unsigned int i;
		int alg = -1, j;

		if (s + len > end)
			len = end - s;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len &&
			    !strncasecmp(s, names[i].name, len))
				alg = names[i].alg;
		if (!len)
			return apply_err(c, s, "empty signing algorithm in \"%.*s\"",
					 (int)w->len, w->s);
		if (alg < 0)
			return apply_err(c, s,
					 "unknown signing algorithm \"%.*s\" (want gmac, cmac, hmac-sha256)",
					 (int)len, s);
		for (j = 0; j < n; j++)
			if (algs[j] == (uint32_t)alg)
				return apply_err(c, s,
						 "signing algorithm \"%.*s\" given twice",
						 (int)len, s);
		algs[n++] = alg;
		s += len;
		if (s == end)
			break;
		s++;	/* ',' */
		if (s == end)
			return apply_err(c, s, "empty signing algorithm in \"%.*s\"",
					 (int)w->len, w->s);
	}
	*nalgs = n;
	return 0;
}

/* [set] [client|server] require|audit on|off | guest allow|block |
 * algorithms LIST
 */
static int apply_set(struct apply_ctx *c, const struct apply_word *w, int n,
		     const char *eol, struct policy *p)
{
	int first = 0, last = DIR_COUNT - 1, d, v = 0, i = 0, nalgs = 0;
	uint32_t algs[ALG_COUNT] = { 0 };
	const struct apply_word *what, *val;

	if (i < n && word_dir(&w[i]) >= 0) {
		first = last = word_dir(&w[i]);
		i++;
	}
	if (i >= n)
		return apply_err(c, eol,
				 "expected require, audit, guest or algorithms");
	what = &w[i];
	if (!word_is(what, "require") && !word_is(what, "audit") &&
	    !word_is(what, "guest") && !word_is(what, "algorithms") &&
	    !word_is(what, "algs"))
		return apply_err(c, what->s,
				 "unknown setting \"%.*s\" (want [client|server] require, audit, guest or algorithms)",
				 (int)what->len, what->s);
	if (i + 1 >= n)
		return apply_err(c, eol, "missing value for %.*s",
				 (int)what->len, what->s);
	val = &w[i + 1];
	if (i + 2 < n)
		return apply_err(c, w[i + 2].s, "unexpected \"%.*s\" after the value",
				 (int)w[i + 2].len, w[i + 2].s);
	if (word_is(what, "require") || word_is(what, "audit")) {
		v = word_bool(val, "on", "off");
		if (v < 0)
			return apply_err(c, val->s,
					 "bad value \"%.*s\" for %.*s (want on or off)",
					 (int)val->len, val->s,
					 (int)what->len, what->s);
	} else if (word_is(what, "guest")) {
		v = word_bool(val, "allow", "block");
		if (v < 0)
			return apply_err(c, val->s,
					 "bad value \"%.*s\" for guest (want allow or block)",
					 (int)val->len, val->s);
	} else if (word_algs(c, val, algs, &nalgs)) {
		return -1;
	}

	for (d = first; d <= last; d++) {
		struct dir_policy *dp = &p->dir[d];

		if (word_is(what, "require")) {
			dp->have_require = true;
			dp->require = v;
		} else if (word_is(what, "audit")) {
			dp->have_audit = true;
			dp->audit = v;
		} else if (word_is(what, "guest")) {
			dp->have_guest = true;
			dp->guest = v;
		} else {
			dp->nalgs = nalgs;
			memcpy(dp->algs, algs, sizeof(algs));
		}
	}
	c->settings++;
	return 0;
}

static int apply_line(struct apply_ctx *c, char *line, struct policy *p)
{
	struct apply_word w[APPLY_MAX_WORDS];
	char *s, *eol, *hash;
	bool client, server;
	int n = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	/* eol: just after the last word, for "missing ..." columns */
	eol = line + strlen(line);
	while (eol > line && strchr(" \t\r\n", eol[-1]))
		eol--;
	/* split into words, each NUL-terminated in place */
	for (s = line;;) {
		s += strspn(s, " \t\r\n");
		if (!*s)
			break;
		if (n == APPLY_MAX_WORDS)
			return apply_err(c, s, "too many words");
		w[n].s = s;
		w[n].len = strcspn(s, " \t\r\n");
		s += w[n++].len;
		if (*s)
			*s++ = '\0';
	}
	if (!n)
		return 0;
	if (word_is(&w[0], "preset")) {
		if (n < 2)
			return apply_err(c, eol, "missing preset name");
		if (n > 2)
			return apply_err(c, w[2].s,
					 "unexpected \"%s\" after the preset name",
					 w[2].s);
		if (preset_find(w[1].s, &client, &server))
			return apply_err(c, w[1].s,
					 "unknown preset \"%s\" (see smbsignctl preset)",
					 w[1].s);
		p->dir[SMBSIGN_DIRECTION_CLIENT].have_require = true;
		p->dir[SMBSIGN_DIRECTION_CLIENT].require = client;
		p->dir[SMBSIGN_DIRECTION_SERVER].have_require = true;
		p->dir[SMBSIGN_DIRECTION_SERVER].require = server;
		c->settings++;
		return 0;
	}
	if (word_is(&w[0], "set"))
		return apply_set(c, w + 1, n - 1, eol, p);
	if (word_dir(&w[0]) >= 0 || word_is(&w[0], "require") ||
	    word_is(&w[0], "audit") || word_is(&w[0], "guest") ||
	    word_is(&w[0], "algorithms") || word_is(&w[0], "algs"))
		return apply_set(c, w, n, eol, p);
	return apply_err(c, w[0].s,
			 "unknown command \"%.*s\" (want set or preset)",
			 (int)w[0].len, w[0].s);
}

/* Parse all of @f into @p; 0 or -1 (message printed). */
static int apply_parse(struct apply_ctx *c, FILE *f, struct policy *p)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		c->line++;
		c->text = line;
		if (strlen(line) != (size_t)len) {
			ret = apply_err(c, line + strlen(line), "NUL byte");
			break;
		}
		if (apply_line(c, line, p)) {
			ret = -1;
			break;
		}
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "%s: %s: read error%s\n", prog, c->file,
			c->check ? "" : "; nothing applied");
		ret = -1;
	}
	free(line);
	return ret;
}

int cmd_apply(struct genl *g, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct apply_ctx c = { .file = APPLY_DEFAULT_FILE };
	struct nlmsghdr *nlh;
	struct policy p;
	bool given = false;
	FILE *f;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check") && !c.check) {
			c.check = true;
		} else if (argv[i][0] != '-' && !given) {
			c.file = argv[i];
			given = true;
		} else {
			fprintf(stderr, "Usage: %s apply [--check] [FILE]  (default FILE: %s)\n",
				prog, APPLY_DEFAULT_FILE);
			return 2;
		}
	}
	f = fopen(c.file, "r");
	if (!f) {
		/* no policy file: the module's defaults stay */
		if (errno == ENOENT && !given && !c.check) {
			printf("%s: no %s, nothing applied\n", prog, c.file);
			return 0;
		}
		fprintf(stderr, "%s: %s: %s%s\n", prog, c.file, strerror(errno),
			c.check ? "" : "; nothing applied");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	ret = apply_parse(&c, f, &p);
	fclose(f);
	if (ret)
		return 1;
	if (c.check) {
		printf("%s: ok, %u setting%s\n", c.file, c.settings,
		       c.settings == 1 ? "" : "s");
		return 0;
	}
	if (!c.settings) {
		printf("%s: %s: no settings, nothing applied\n", prog, c.file);
		return 0;
	}
	if (genl_open(g))
		return 1;
	nlh = genl_msg(g, buf, SMBSIGN_CMD_POLICY_SET, 0);
	policy_put(nlh, &p);
	if (genl_talk(g, nlh, NULL, NULL, "policy-set"))
		return 1;
	printf("%s: applied %s (%u setting%s)\n", prog, c.file, c.settings,
	       c.settings == 1 ? "" : "s");
	return 0;
}
