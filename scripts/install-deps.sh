#!/usr/bin/env bash
# Installs the Debian packages CaseVault builds against (and any named as arguments, e.g. `age`
# for scripts/bench-agent.sh), only when one is missing.
set -euo pipefail
need=()
# tzdata: the tests check the computed Oslo time rule against the system's Europe/Oslo zone.
for pkg in libsodium-dev libsqlite3-dev pkg-config tzdata "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
((${#need[@]})) || exit 0
echo "casevault: installing ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
