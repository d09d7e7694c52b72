#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, install the manual pages, and run the guided demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-man-pages.sh
# A debug build: the tests reuse it (`swift build -c release` for a centre's own install).
swift run casevault demo
