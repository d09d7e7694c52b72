#!/usr/bin/env bash
# Generates one manual page per command from the command definitions (swift-argument-parser's
# generate-manual plugin) and installs them: /usr/local/share/man/man1 as root, else ~/.local/share/man/man1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then dest=/usr/local/share/man/man1; else dest="$HOME/.local/share/man/man1"; fi
swift build -c release --product casevault
# The plugin runs the debug build of the product to read its commands: on a fresh clone there
# is none yet, and the plugin exits 64 without it.
swift build --product casevault
# The plugin builds its generator tool; the tool is then run on the built binary, so the pages
# come from exactly the binary that is installed.
swift package --allow-writing-to-package-directory generate-manual --product casevault --multi-page >/dev/null
tool=$(find .build -name generate-manual-tool -type f -perm -u+x | head -n 1)
[ -n "$tool" ] || { echo "install-man-pages: the generate-manual tool was not built" >&2; exit 1; }
mkdir -p "$dest"
"$tool" .build/release/casevault --multi-page --output-directory "$dest"
echo "Installed $(ls "$dest" | grep -c '^casevault') manual pages in $dest (try: man casevault.case.show)"
