#!/usr/bin/env bash
# Rewrites the committed handover test vector (Tests/CaseVaultCoreTests/Fixtures/handover-vector/,
# Keys/test-vector-keyring.txt and docs/parts/71-handover-example.md) from its fixed test keys,
# then reassembles docs/FORMAT.md. Run it only after a deliberate change to the bundle format;
# the ordinary test run only checks the committed files and never writes them.
set -euo pipefail
cd "$(dirname "$0")/.."
CASEVAULT_REGENERATE_VECTOR=1 swift test --filter 'HandoverVectorTests/testStoredVectorOpensToExpectedContent'
scripts/make-format-doc.sh
git status --short -- Tests/CaseVaultCoreTests/Fixtures/handover-vector Keys/test-vector-keyring.txt docs
