#!/bin/sh
# Writes the committed format-1 fixture vault, Tests/CaseVaultCoreTests/Fixtures/v1-vault/, with a
# `casevault` binary built from a commit before vault format 2 (the one way to regenerate it):
#   git archive <commit> | tar -x -C /tmp/v1 && (cd /tmp/v1 && swift build -c release --product casevault)
#   scripts/make-v1-fixture.sh /tmp/v1/.build/release/casevault
# A test vault with the insecure test KDF: the passphrase of every key file is in `passphrase`.
set -eu
BIN=${1:?usage: make-v1-fixture.sh PATH-TO-FORMAT-1-casevault}
OUT=$(cd "$(dirname "$0")/.." && pwd)/Tests/CaseVaultCoreTests/Fixtures/v1-vault
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CASEVAULT_TEST_INSECURE_KDF=1 HOME="$WORK" PATH=/usr/bin:/bin
unset CASEVAULT_VAULT CASEVAULT_IDENTITY CASEVAULT_PASSPHRASE CASEVAULT_ROOT_FINGERPRINT
rm -rf "$OUT"
mkdir -p "$OUT"
printf 'fixture passphrase one\n' > "$OUT/passphrase"
chmod 600 "$OUT/passphrase"
P="--passphrase-file $OUT/passphrase"
"$BIN" init --vault "$OUT/vault" --centre Fixtursenteret --leader-id lina --leader-name "Lina Leder" \
    --key-out "$OUT/lina.key" $P --test-vault > "$WORK/init.txt"
ROOT=$(sed -n 's/^Centre root fingerprint: //p' "$WORK/init.txt")
"$BIN" identity new --out "$OUT/kari.key" $P --json > "$WORK/kari.json"
PUB=$(sed -n 's/.*"public_identity" *: *"\([^"]*\)".*/\1/p' "$WORK/kari.json")
FP=$(sed -n 's/.*"fingerprint" *: *"\([^"]*\)".*/\1/p' "$WORK/kari.json")
"$BIN" member add --id kari --name Kari --public-key "$PUB" --fingerprint "$FP" --role contact-person \
    --vault "$OUT/vault" --identity "$OUT/lina.key" $P > /dev/null
"$BIN" vault trust --vault "$OUT/vault" --identity "$OUT/kari.key" --fingerprint "$ROOT" > /dev/null
K="--vault $OUT/vault --identity $OUT/kari.key $P"
ID=$(printf 'person: {alias: Fiol}\ncase: {phase: 1, type: resident, opened: 2026-11-20}\n' | "$BIN" case new - $K --json | sed -n 's/.*"case" *: *"\([^"]*\)".*/\1/p')
printf 'set:\n  case.phase: 2\n' | "$BIN" case update "$ID" - $K > /dev/null
printf 'person: {alias: Lilje}\ncase: {type: resident, opened: 2026-11-20}\n' | "$BIN" case new - $K > /dev/null
"$BIN" case list $K > /dev/null
# One file, no write-ahead log: what is committed is the whole database.
sqlite3 "$OUT/vault/vault.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null 2>&1 || true
rm -f "$OUT/vault/vault.sqlite-wal" "$OUT/vault/vault.sqlite-shm"
printf '%s\n' "$ROOT" > "$OUT/root-fingerprint"
printf '%s\n' "$ID" > "$OUT/case-id"
# The key files' client state (trust pins, remembered state) is not part of the fixture.
rm -f "$OUT"/*.key.trust "$OUT"/*.key.*.state
echo "wrote $OUT (case $ID, root $ROOT)"
