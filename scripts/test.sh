#!/usr/bin/env bash
# Set up a fresh Debian machine for the tests and run them: the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Browser tests drive Debian's chromium; PDF checks need pdftotext; handouts print with
# WenQuanYi Micro Hei, whose PDF text extracts as real characters (Noto CJK's turns some into
# radicals, see kbtools/handout.py); Zen Hei is the fallback the older tests were written with.
# fonts-noto-cjk and fonts-droid-fallback are test fixtures: the font that fails (negative
# control) and a font loaded from a file with @font-face. npm installs axe-core (package.json,
# pinned in package-lock.json) for the accessibility test, tests/browser/test_accessibility.py.
packages=(chromium poppler-utils fonts-wqy-zenhei fonts-wqy-microhei fonts-noto-cjk fonts-droid-fallback)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Exactly the versions of package-lock.json, from the npm registry; nothing is fetched at test time.
npm ci --no-audit --no-fund --loglevel=error

export NO_MKDOCS_2_WARNING=1
python3 -m ruff check .
python3 -m pytest -q "$@"
