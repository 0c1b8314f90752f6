#!/usr/bin/env bash
# Vendored third-party assets for the offline training bundle.
#
#   scripts/vendor.sh            re-fetch pinned packages with `npm pack`, verify, write vendor/
#   scripts/vendor.sh --check    verify the committed files in vendor/ only (no network)
#
# iframe-worker: the tiny MIT-licensed WebWorker shim that Material's `offline`
# plugin otherwise loads from a CDN at run time. We ship shim/index.js from the
# npm tarball unchanged (as shim.js) together with its LICENSE.
#
# Pins: the tarball must match the npm registry's sha512 integrity (also checked
# by npm itself), and the extracted files must match the sha256 sums below, so a
# re-fetch can never silently change the committed bytes.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/vendor"

IFW_NAME="iframe-worker"
IFW_VERSION="1.0.4"
IFW_INTEGRITY="sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1CysZyGzE0SOkAtSUA5q7Q=="
IFW_TARBALL_SHA256="e8c5d12d87829c503afba01d67772ea9f4aba5b7ae57a0c98e1917711030efbb"
IFW_SHIM_SHA256="e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"
IFW_LICENSE_SHA256="dd69737a4768aab9f934a5aed9efab9561ac4062d4fdbe490d44369a2cf48b6b"
IFW_DIR="$VENDOR_DIR/$IFW_NAME"

log() { printf 'vendor.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

verify_file() { # path expected_sha256
  [[ -f "$1" ]] || die "missing $1"
  local got; got="$(sha256_of "$1")"
  [[ "$got" == "$2" ]] || die "sha256 mismatch for $1: got $got, want $2"
}

check_iframe_worker() {
  verify_file "$IFW_DIR/shim.js" "$IFW_SHIM_SHA256"
  verify_file "$IFW_DIR/LICENSE" "$IFW_LICENSE_SHA256"
  (cd "$IFW_DIR" && sha256sum --quiet -c SHA256SUMS) || die "$IFW_DIR/SHA256SUMS does not verify"
  grep -qx "$IFW_VERSION" "$IFW_DIR/VERSION" || die "$IFW_DIR/VERSION is not $IFW_VERSION"
  log "ok: $IFW_NAME@$IFW_VERSION ($IFW_DIR)"
}

fetch_iframe_worker() {
  command -v npm >/dev/null || die "npm not found (apt-get install -y npm)"
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  log "npm pack $IFW_NAME@$IFW_VERSION"
  # --ignore-scripts: never run package lifecycle scripts; the pack is only downloaded.
  local meta
  meta="$(cd "$tmp" && npm pack --json --ignore-scripts "$IFW_NAME@$IFW_VERSION")"
  local tgz="$tmp/$IFW_NAME-$IFW_VERSION.tgz"
  [[ -f "$tgz" ]] || die "npm pack did not produce $tgz"
  grep -qF "\"integrity\": \"$IFW_INTEGRITY\"" <<<"$meta" || die "registry integrity differs from pin"
  verify_file "$tgz" "$IFW_TARBALL_SHA256"
  tar -xzf "$tgz" -C "$tmp" package/shim/index.js package/LICENSE
  verify_file "$tmp/package/shim/index.js" "$IFW_SHIM_SHA256"
  verify_file "$tmp/package/LICENSE" "$IFW_LICENSE_SHA256"

  mkdir -p "$IFW_DIR"
  install -m 0644 "$tmp/package/shim/index.js" "$IFW_DIR/shim.js"
  install -m 0644 "$tmp/package/LICENSE" "$IFW_DIR/LICENSE"
  printf '%s\n' "$IFW_VERSION" >"$IFW_DIR/VERSION"
  cat >"$IFW_DIR/SOURCE" <<EOF
package:   $IFW_NAME@$IFW_VERSION (npm registry), license MIT
file:      shim/index.js from the package tarball, unchanged, saved as shim.js
tarball:   $IFW_NAME-$IFW_VERSION.tgz sha256 $IFW_TARBALL_SHA256
integrity: $IFW_INTEGRITY
upstream:  github.com/squidfunk/iframe-worker
refresh:   scripts/vendor.sh   (verify only: scripts/vendor.sh --check)
EOF
  (cd "$IFW_DIR" && sha256sum shim.js LICENSE >SHA256SUMS)
  check_iframe_worker
}

case "${1:-}" in
  --check) check_iframe_worker ;;
  "") fetch_iframe_worker ;;
  *) die "usage: $0 [--check]" ;;
esac
