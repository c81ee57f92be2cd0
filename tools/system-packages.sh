#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: PostgreSQL and Chromium.
# As root on Debian it installs what is missing with apt-get; anywhere else it says what to
# install and carries on (the tests that need a missing part then skip, or fail under CI=true).
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

(( ${#missing[@]} )) || exit 0

if [[ $(id -u) -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "system-packages: missing ${missing[*]}. Install them (Debian/Ubuntu:" \
       "'sudo apt-get install ${missing[*]}'); the tests that need them will skip." >&2
fi
