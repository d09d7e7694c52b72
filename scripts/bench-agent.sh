#!/usr/bin/env bash
# `case show` and `case list` end to end through the key agent versus with a passphrase
# (Argon2id per command), on a release build, in one run; beside them, age decrypting the
# same case split into four files, one process each. Usage: scripts/bench-agent.sh [CASES]
set -euo pipefail
cases=${1:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --product casevault --package-path "$root" >/dev/null
cv=$(swift build -c release --show-bin-path --package-path "$root")/casevault
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run
mkdir -m 700 "$XDG_RUNTIME_DIR"
cleanup() { "$cv" lock >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'echo "bench-agent: failed at line $LINENO" >&2' ERR
cd "$work"
umask 077
printf 'riktig hest batteri stift\n' > pass
unset CASEVAULT_PASSPHRASE
export CASEVAULT_VAULT=$work/vault

"$cv" init --test-vault --centre Bench --leader-id lina --leader-name Lina --key-out lina.key --passphrase-file pass \
  --root-key-out root.key --root-passphrase-file pass >/dev/null
export CASEVAULT_ROOT_KEY=$work/root.key CASEVAULT_ROOT_PASSPHRASE="riktig hest batteri stift"
"$cv" identity new --out kari.key --passphrase-file pass --json > kari.json
pub=$(sed -n 's/.*"public_identity" *: *"\([^"]*\)".*/\1/p' kari.json)
fpr=$(sed -n 's/.*"fingerprint" *: *"\([^"]*\)".*/\1/p' kari.json)
"$cv" member add --identity lina.key --passphrase-file pass --id kari --name Kari --role contact-person \
  --public-key "$pub" --fingerprint "$fpr" >/dev/null
root_fpr=$("$cv" vault info | sed -n 's/^Centre root fingerprint: //p')
"$cv" vault trust --identity kari.key --fingerprint "$root_fpr" >/dev/null
sed -n '/"""/,/"""/p' "$root/Sources/CaseVaultSamples/SampleCase.swift" | sed '1d;$d' > case.yaml

"$cv" unlock --identity kari.key --passphrase-file pass >/dev/null
echo "writing $cases cases through the agent…" >&2
id=$("$cv" case new case.yaml --identity kari.key --json </dev/null | sed -n 's/.*"case" *: *"\([0-9a-f]*\)".*/\1/p')
for _ in $(seq 2 "$cases"); do "$cv" case new case.yaml --identity kari.key >/dev/null </dev/null; done
echo "measuring…" >&2

now() { date +%s%N; }
# Median milliseconds of N runs of a command.
median_ms() {
  local n=$1; shift
  local t=()
  for _ in $(seq "$n"); do
    local a; a=$(now); "$@" >/dev/null </dev/null; t+=($(( ($(now) - a) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

start=$(median_ms 21 "$cv" --help)
show_agent=$(median_ms 21 "$cv" case show "$id" --identity kari.key)
list_agent=$(median_ms 5 "$cv" case list --identity kari.key)
"$cv" lock >/dev/null
show_pass=$(median_ms 5 "$cv" case show "$id" --identity kari.key --passphrase-file pass)
list_pass=$(median_ms 3 "$cv" case list --identity kari.key --passphrase-file pass)

age_ms="(age not installed: scripts/install-deps.sh age)"
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
  age-keygen -o age.key 2>/dev/null
  recipient=$(age-keygen -y age.key)
  "$cv" unlock --identity kari.key --passphrase-file pass >/dev/null
  "$cv" case show "$id" --identity kari.key --json </dev/null > case.json
  "$cv" lock >/dev/null
  # The same case as four files of about equal size, as a per-section layout would keep it.
  split -n 4 case.json part.
  for p in part.a?; do age -r "$recipient" -o "$p.age" "$p"; done
  open_four() { for p in part.a?.age; do age -d -i age.key "$p" >/dev/null; done; }
  age_ms=$(median_ms 21 open_four)
fi

printf '%-44s %10s\n' "release build, $cases cases, median ms" "end to end"
printf '%-44s %10s\n' "casevault --help (process start, no work)" "$start"
printf '%-44s %10s\n' "case show, through the agent" "$show_agent"
printf '%-44s %10s\n' "case show, passphrase (Argon2id moderate)" "$show_pass"
printf '%-44s %10s\n' "case list, through the agent" "$list_agent"
printf '%-44s %10s\n' "case list, passphrase (Argon2id moderate)" "$list_pass"
printf '%-44s %10s\n' "age: same case as 4 files, 4 processes" "$age_ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
