// SPDX-License-Identifier: GPL-2.0
/*
 * smbsignctl: the policy, in Windows' words.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <linux/genetlink.h>
#include <linux/smbsign.h>

#include "smbsignctl.h"

static const struct {
	const char *name, *shortname;
} algs[ALG_COUNT] = {
	[SMBSIGN_SIGNING_ALG_HMAC_SHA256] = { "HMAC-SHA256", "hmac-sha256" },
	[SMBSIGN_SIGNING_ALG_AES_CMAC] = { "AES-CMAC", "cmac" },
	[SMBSIGN_SIGNING_ALG_AES_GMAC] = { "AES-GMAC", "gmac" },
};

const char *alg_name(uint32_t alg)
{
	return alg < ALG_COUNT ? algs[alg].name : "unknown";
}

const char *alg_short(uint32_t alg)
{
	return alg < ALG_COUNT ? algs[alg].shortname : "unknown";
}

/* "gmac,cmac,hmac-sha256" (also aes-gmac, aes-cmac, hmac), order kept. */
int parse_algs(const char *s, uint32_t *out, int *nout)
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
	int n = 0;

	while (*s) {
		size_t len = strcspn(s, ",");
		int alg = -1, i;

		for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
			if (strlen(names[i].name) == len &&
			    !strncasecmp(s, names[i].name, len))
				alg = names[i].alg;
		if (alg < 0) {
			fprintf(stderr,
				"%s: unknown signing algorithm \"%.*s\" (want gmac, cmac, hmac-sha256)\n",
				prog, (int)len, s);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (out[i] == (uint32_t)alg) {
				fprintf(stderr,
					"%s: signing algorithm \"%.*s\" given twice\n",
					prog, (int)len, s);
				return -1;
			}
		out[n++] = alg;
		s += len;
		if (*s == ',')
			s++;
	}
	if (!n) {
		fprintf(stderr, "%s: empty signing algorithm list\n", prog);
		return -1;
	}
	*nout = n;
	return 0;
}

static int dir_cb(const struct nlattr *attr, void *data)
{
	struct dir_policy *d = data;

	switch (mnl_attr_get_type(attr)) {
	case SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING:
	case SMBSIGN_A_DIR_POLICY_AUDIT:
	case SMBSIGN_A_DIR_POLICY_ALLOW_GUEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return MNL_CB_OK;	/* ignore a malformed one */
		break;
	case SMBSIGN_A_DIR_POLICY_ALG:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	}
	switch (mnl_attr_get_type(attr)) {
	case SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING:
		d->have_require = true;
		d->require = mnl_attr_get_u8(attr);
		break;
	case SMBSIGN_A_DIR_POLICY_AUDIT:
		d->have_audit = true;
		d->audit = mnl_attr_get_u8(attr);
		break;
	case SMBSIGN_A_DIR_POLICY_ALLOW_GUEST:
		d->have_guest = true;
		d->guest = mnl_attr_get_u8(attr);
		break;
	case SMBSIGN_A_DIR_POLICY_ALG:
		if (d->nalgs < ALG_COUNT)
			d->algs[d->nalgs++] = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int policy_cb(const struct nlattr *attr, void *data)
{
	struct policy *p = data;

	switch (mnl_attr_get_type(attr)) {
	case SMBSIGN_A_POLICY_CLIENT:
	case SMBSIGN_A_POLICY_SERVER:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_OK;
		break;
	case SMBSIGN_A_POLICY_PID:
	case SMBSIGN_A_POLICY_UID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	}
	switch (mnl_attr_get_type(attr)) {
	case SMBSIGN_A_POLICY_CLIENT:
		mnl_attr_parse_nested(attr, dir_cb,
				      &p->dir[SMBSIGN_DIRECTION_CLIENT]);
		break;
	case SMBSIGN_A_POLICY_SERVER:
		mnl_attr_parse_nested(attr, dir_cb,
				      &p->dir[SMBSIGN_DIRECTION_SERVER]);
		break;
	case SMBSIGN_A_POLICY_PID:
		p->have_pid = true;
		p->pid = mnl_attr_get_u32(attr);
		break;
	case SMBSIGN_A_POLICY_UID:
		p->uid = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

void policy_parse(const struct nlmsghdr *nlh, struct policy *p)
{
	memset(p, 0, sizeof(*p));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), policy_cb, p);
}

void policy_put(struct nlmsghdr *nlh, const struct policy *p)
{
	static const int attr[DIR_COUNT] = {
		SMBSIGN_A_POLICY_CLIENT, SMBSIGN_A_POLICY_SERVER,
	};
	int d, i;

	for (d = 0; d < DIR_COUNT; d++) {
		const struct dir_policy *dp = &p->dir[d];
		struct nlattr *nest;

		if (!dp->have_require && !dp->have_audit && !dp->have_guest &&
		    !dp->nalgs)
			continue;
		nest = mnl_attr_nest_start(nlh, attr[d]);
		if (dp->have_require)
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_REQUIRE_SIGNING,
					dp->require);
		if (dp->have_audit)
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_AUDIT,
					dp->audit);
		if (dp->have_guest)
			mnl_attr_put_u8(nlh, SMBSIGN_A_DIR_POLICY_ALLOW_GUEST,
					dp->guest);
		for (i = 0; i < dp->nalgs; i++)
			mnl_attr_put_u32(nlh, SMBSIGN_A_DIR_POLICY_ALG,
					 dp->algs[i]);
		mnl_attr_nest_end(nlh, nest);
	}
}

void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static const char *tf(uint8_t v)
{
	return v ? "True" : "False";
}

/* Windows' names; smbsign-only settings get a name in the same style. */
static const char *const audit_key[DIR_COUNT] = {
	"AuditServerDoesNotSupportSigning",
	"AuditClientDoesNotSupportSigning",
};

static const char *const guest_key[DIR_COUNT] = {
	"EnableInsecureGuestLogons",
	"AllowInsecureGuestSessions",
};

static const char *const dir_title[DIR_COUNT] = {
	"Client (outbound; Get-SmbClientConfiguration)",
	"Server (inbound; Get-SmbServerConfiguration)",
};

static void print_algs_json(const struct dir_policy *d)
{
	int i;

	putchar('[');
	for (i = 0; i < d->nalgs; i++) {
		if (i)
			putchar(',');
		json_str(alg_name(d->algs[i]));
	}
	putchar(']');
}

/*
 * Which code signs (the module's impl and impl_choice parameters): "impl"
 * holds the mode, "impl_choice" a line "ALGORITHM: WHAT (times)" per
 * algorithm. Nothing when the module is not loaded or predates them.
 */
#define IMPL_PARAMS "/sys/module/smbsign/parameters/"

static bool read_param(const char *name, char *buf, size_t size)
{
	FILE *f = fopen(name, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return n > 0;
}

static void impl_print(void)
{
	char mode[32], choice[1024], *line, *save = NULL;

	if (!read_param(IMPL_PARAMS "impl", mode, sizeof(mode)) ||
	    !read_param(IMPL_PARAMS "impl_choice", choice, sizeof(choice)))
		return;
	mode[strcspn(mode, "\n")] = 0;
	if (json) {
		printf(",\"implementation\":{\"impl\":");
		json_str(mode);
	} else {
		printf("\nImplementation (impl=%s)\n\n", mode);
	}
	for (line = strtok_r(choice, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *what = strstr(line, ": ");

		if (!what)
			continue;
		*what = 0;
		what += 2;
		if (json) {
			putchar(',');
			json_str(line);
			putchar(':');
			json_str(what);
		} else {
			printf("%-32s : %s\n", line, what);
		}
	}
	if (json)
		putchar('}');
}

void policy_print(const struct policy *p, int only_dir, bool impl)
{
	static const char *const jkey[DIR_COUNT] = { "client", "server" };
	bool first = true;
	int d, i;

	if (json)
		putchar('{');
	for (d = 0; d < DIR_COUNT; d++) {
		const struct dir_policy *dp = &p->dir[d];

		if (only_dir >= 0 && only_dir != d)
			continue;
		if (json) {
			printf("%s\"%s\":{\"RequireSecuritySignature\":%s,"
			       "\"%s\":%s,\"%s\":%s,\"SigningAlgorithms\":",
			       first ? "" : ",", jkey[d],
			       dp->require ? "true" : "false",
			       guest_key[d], dp->guest ? "true" : "false",
			       audit_key[d], dp->audit ? "true" : "false");
			print_algs_json(dp);
			putchar('}');
			first = false;
			continue;
		}
		if (!first)
			putchar('\n');
		first = false;
		printf("%s\n\n", dir_title[d]);
		printf("%-32s : %s\n", "RequireSecuritySignature",
		       tf(dp->require));
		printf("%-32s : %s\n", guest_key[d], tf(dp->guest));
		printf("%-32s : %s\n", audit_key[d], tf(dp->audit));
		printf("%-32s : ", "SigningAlgorithms");
		for (i = 0; i < dp->nalgs; i++)
			printf("%s%s", i ? ", " : "", alg_name(dp->algs[i]));
		putchar('\n');
	}
	if (impl)
		impl_print();
	if (json) {
		if (p->have_pid)
			printf(",\"changed_by\":{\"pid\":%u,\"uid\":%u}",
			       p->pid, p->uid);
		printf("}\n");
	}
}
