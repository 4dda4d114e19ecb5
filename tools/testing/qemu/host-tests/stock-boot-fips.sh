# shellcheck shell=bash
# The same stock-kernel boot with fips=1 (Debian builds CONFIG_CRYPTO_FIPS=y):
# smbsign must load and pass its self-test in FIPS mode too. TAP.
ht_run() {
	bash tools/packaging/tests/stock-boot.sh --fips
}
