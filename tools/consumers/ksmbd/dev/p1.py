# development helper: "listen on kernels built without CONFIG_NETDEVICES"
import sys
p = sys.argv[1] + '/fs/smb/server/transport_tcp.c'
s = open(p).read()
a = '''	if (ret != -ENODEV && ret < 0) {
		pr_err("Failed to set SO_BINDTODEVICE: %d\\n", ret);'''
assert a in s, 'SO_BINDTODEVICE check'
s = s.replace(a, '''	/*
	 * -ENOPROTOOPT: a kernel without CONFIG_NETDEVICES has no
	 * SO_BINDTODEVICE, and no interface but loopback to tell apart.
	 */
	if (ret != -ENODEV && ret != -ENOPROTOOPT && ret < 0) {
		pr_err("Failed to set SO_BINDTODEVICE: %d\\n", ret);''')
open(p, 'w').write(s)
