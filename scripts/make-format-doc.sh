#!/usr/bin/env bash
# Assembles docs/FORMAT.md from docs/parts/. A part that starts with a level-1 heading is a
# stand-alone fragment: its headings are demoted one level to fit under the whole document.
set -euo pipefail
cd "$(dirname "$0")/../docs"
{
  first=1
  for part in parts/*.md; do
    if [ $first = 0 ] && head -1 "$part" | grep -q '^# '; then
      sed -e 's/^## /### /' -e 's/^# /## /' "$part"
    else
      cat "$part"
    fi
    echo
    first=0
  done
} > FORMAT.md
