#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, install the manual pages, and run the guided demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-man-pages.sh
swift run -c release casevault demo
