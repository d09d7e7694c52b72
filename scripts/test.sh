#!/usr/bin/env bash
# Set-up command 2: install what is missing, build, and run every test suite.
# The conformance vectors are vendored in Tests/Vectors; a missing one fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
scripts/fuzz.sh --smoke  # every parser fuzzed for a few seconds (seed corpora in Fuzz/corpus)
