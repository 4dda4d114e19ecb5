# shellcheck shell=bash
# The same stock-kernel boot with fips=1 (Debian builds CONFIG_CRYPTO_FIPS=y):
# smbsign must load and pass its self-test in FIPS mode too. TAP.
# not in make check's default set (its cold run stays under 45 minutes on
# two cores): `make check-install` (or HOST_TESTS=NAME) runs it
# shellcheck disable=SC2034 # read by harness.sh
HT_DEFAULT=no
ht_run() {
	bash tools/packaging/tests/stock-boot.sh --fips
}
