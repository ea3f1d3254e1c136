#!/usr/bin/env bash
# The system packages the test suite needs, listed once: `npm test` (its pretest step) and `.ci/run` call this.
# It installs the missing ones (as root, with apt-get) or stops, before any test runs, with the command to run.
# With everything present it does nothing: no apt-get, no network.
set -euo pipefail

# A command the tests run, and the Debian package that provides it:
#   dnsmasq    a real DNS server for the dns and kubernetes (headless service) discovery tests
#   etcd       a real etcd for the etcd discovery tests
#   ip         network namespaces, veth pairs and a bridge for the multi-host tests
#   iptables   packet filters between those namespaces: real partitions
#   openssl    a throwaway CA and certificate for the Kubernetes API test server
#   chromium   the browser the dashboard test drives through playwright-core
NEEDED=(
  'dnsmasq dnsmasq-base'
  'etcd etcd-server'
  'ip iproute2'
  'iptables iptables'
  'openssl openssl'
  'chromium chromium'
)

# dnsmasq, ip and iptables live in sbin, which a non-root PATH often leaves out
SBIN_DIRS=(/usr/local/sbin /usr/sbin /sbin)

found () {
  command -v "$1" >/dev/null 2>&1 && return 0
  local dir
  for dir in "${SBIN_DIRS[@]}"; do
    [[ -x "$dir/$1" ]] && return 0
  done
  return 1
}

# fills missing_commands and missing_packages
check () {
  missing_commands=()
  missing_packages=()
  local entry command package
  for entry in "${NEEDED[@]}"; do
    read -r command package <<<"$entry"
    if ! found "$command"; then
      missing_commands+=("$command")
      missing_packages+=("$package")
    fi
  done
}

check
if ((${#missing_packages[@]} == 0)); then
  exit 0
fi

install=(apt-get install -y --no-install-recommends "${missing_packages[@]}")
list="${missing_commands[*]}"
uid="$(id -u 2>/dev/null || echo "$EUID")"
if [[ "$uid" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "The tests need ${list// /, }, which this machine lacks: installing ${missing_packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update || ! "${install[@]}"; then
    echo "Installing the system packages the tests need failed (see above). Once apt-get works, run: ${install[*]}" >&2
    exit 1
  fi
  check
  if ((${#missing_commands[@]} > 0)); then
    list="${missing_commands[*]}"
    echo "Still missing after apt-get install: ${list// /, }. Install the packages that provide them, then run the tests again." >&2
    exit 1
  fi
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  echo "The tests need ${list// /, }, which this machine lacks. Install them, then run the tests again: sudo ${install[*]}" >&2
else
  echo "The tests need ${list// /, }, which this machine lacks. Install the packages that provide them (on Debian: sudo ${install[*]}), then run the tests again." >&2
fi
exit 1
