#!/usr/bin/env bash
# Generates one manual page per command from the command definitions (swift-argument-parser's
# generate-manual tool) and installs them: /usr/local/share/man/man1 as root, else ~/.local/share/man/man1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then dest=/usr/local/share/man/man1; else dest="$HOME/.local/share/man/man1"; fi
# The debug build the demo and the tests share: the pages depend only on the command definitions.
swift build --product casevault
# The tool is built on its own (the package plugin would build every target in release, test
# support included, which builds in debug only).
swift build --product generate-manual
tool=$(swift build --product generate-manual --show-bin-path)/generate-manual
[ -x "$tool" ] || { echo "install-man-pages: the generate-manual tool was not built" >&2; exit 1; }
mkdir -p "$dest"
"$tool" "$(swift build --show-bin-path)/casevault" --multi-page --output-directory "$dest"
echo "Installed $(ls "$dest" | grep -c '^casevault') manual pages in $dest (try: man casevault.case.show)"
