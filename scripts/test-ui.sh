#!/usr/bin/env bash
# Browser tests of `casevault ui`: headless Chromium driven over WebDriver (Python's standard
# library only) against the debug binary. Screenshots of every screen go to .build/ui-screenshots.
# Any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .build/debug/casevault ]] || swift build --product casevault
exec python3 -B scripts/ui/browser_tests.py "$@"
