// SPDX-License-Identifier: GPL-2.0
/*
 * smbsignctl explain: what the errors a signing policy causes mean.
 *
 * The causes and fixes follow Microsoft's "Control SMB signing behavior":
 * enable signing on the server that does not sign rather than disabling it
 * on the client, and do not disable signing to get guest access back.
 *
 * Copyright (C) 2026 The smbsign authors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smbsignctl.h"

struct code {
	uint32_t value;
	const char *name;
	const char *alias;	/* another name for the same code, or NULL */
	const char *message;	/* what Windows shows */
	const char *meaning;
	const char *cause;
	const char *fix;
};

static const struct code codes[] = {
	{
		0xc000a000, "STATUS_INVALID_SIGNATURE", NULL,
		"The cryptographic signature is invalid.",
		"A signed SMB session could not be set up, or a message's "
		"signature did not match.",
		"This client requires signing (RequireSecuritySignature) and "
		"the server, often a third-party NAS or an old Samba, does not "
		"sign; or a message was altered on the way.",
		"Enable signing on that server (Samba: \"server signing = "
		"mandatory\"). Do not turn signing off on the client. To find "
		"such servers before enforcing: smbsignctl set client audit on.",
	},
	{
		0xc05d0002, "STATUS_SMB_GUEST_LOGON_BLOCKED",
		"ERROR_SMB_GUEST_LOGON_BLOCKED",
		"You can't access this shared folder because your "
		"organization's security policies block unauthenticated guest "
		"access.",
		"The server granted only a guest (unauthenticated) session and "
		"the client's policy blocks guest logons.",
		"The share is configured for guest access (\"Everyone\", "
		"\"map to guest\"), and guest sessions have no key to sign "
		"with.",
		"Connect with a named account on the server. Do not disable "
		"signing or enable insecure guest logons to get guest access "
		"back: it is possible, but not recommended.",
	},
	{
		0xc05d0003, "STATUS_SMB_GUEST_LOGON_BLOCKED_SIGNING_REQUIRED",
		NULL,
		"System error 3227320323 has occurred.",
		"A guest session was refused because signing is required: "
		"requiring signing also disables guest access.",
		"The server offers guest access only, and a guest session "
		"cannot be signed.",
		"Connect with a named account on the server (and enable "
		"signing there). Disabling signing to get guest access back "
		"is possible but not recommended.",
	},
	{
		0x80070035, "ERROR_BAD_NETPATH", NULL,
		"The network path was not found.",
		"HRESULT for Win32 error 53. Besides a wrong name or a "
		"network problem, Windows shows it when a guest session was "
		"blocked because signing is required.",
		"A device (NAS, printer, old Samba) that uses a guest account "
		"while this client requires signing.",
		"Give the device a named account and enable signing on it; "
		"do not disable signing on the client.",
	},
};

static const char recommendations[] =
	"For signing to protect you:\n"
	"  - use Kerberos rather than NTLMv2;\n"
	"  - don't connect to shares by IP address;\n"
	"  - don't use DNS CNAME records for servers: assign alternate\n"
	"    computer names instead.\n";

/* 0x..., decimal (negative allowed), or a name; 1272 is the Win32 code. */
static const struct code *lookup(const char *arg)
{
	unsigned int i;
	long long v;
	char *end;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcasecmp(arg, codes[i].name) ||
		    (codes[i].alias && !strcasecmp(arg, codes[i].alias)))
			return &codes[i];

	errno = 0;
	v = strtoll(arg, &end, 0);
	if (errno || end == arg || *end || v < -2147483648LL ||
	    v > 0xffffffffLL)
		return NULL;
	if (v == 1272)		/* ERROR_SMB_GUEST_LOGON_BLOCKED */
		return &codes[1];
	if (v == 53)		/* ERROR_BAD_NETPATH */
		return &codes[3];
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].value == (uint32_t)v)
			return &codes[i];
	return NULL;
}

int cmd_explain(int argc, char **argv)
{
	const struct code *c;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s explain CODE\n", prog);
		return 2;
	}
	c = lookup(argv[1]);
	if (!c) {
		fprintf(stderr,
			"%s: unknown code \"%s\": try 0xc000a000, -1073700864, STATUS_INVALID_SIGNATURE, 3227320323, 0x80070035 or 0xc05d0002\n",
			prog, argv[1]);
		return 1;
	}
	if (json) {
		printf("{\"code\":\"0x%08x\",\"decimal\":%u,\"signed\":%d,"
		       "\"name\":", c->value, c->value, (int32_t)c->value);
		json_str(c->name);
		printf(",\"message\":");
		json_str(c->message);
		printf(",\"meaning\":");
		json_str(c->meaning);
		printf(",\"cause\":");
		json_str(c->cause);
		printf(",\"fix\":");
		json_str(c->fix);
		printf(",\"recommendations\":[\"Use Kerberos rather than NTLMv2\","
		       "\"Don't connect to shares by IP address\","
		       "\"Don't use DNS CNAME records; assign alternate computer names\"]}\n");
		return 0;
	}
	printf("0x%08x (%u, %d) %s\n", c->value, c->value, (int32_t)c->value,
	       c->name);
	printf("  \"%s\"\n\n", c->message);
	printf("Meaning: %s\n\n", c->meaning);
	printf("Likely cause: %s\n\n", c->cause);
	printf("Fix: %s\n\n", c->fix);
	fputs(recommendations, stdout);
	return 0;
}
