#!/usr/bin/env bash
# Installs one pinned agent CLI (pinned_clis.txt) from the npm registry into a cache in the build
# tree, once; prints the directory that holds node_modules/.bin. Exit codes:
#   0   installed (or already there); the directory is on stdout
#   77  cannot run here: node or npm missing, or the registry cannot be reached (reason on stderr)
#   1   anything else (a pinned version that does not exist, a broken install)
#
#   tests/conformance/install_cli.sh KEY CACHE_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key="${1:?usage: install_cli.sh KEY CACHE_DIR}"
cache="${2:?usage: install_cli.sh KEY CACHE_DIR}"

read -r package version < <(awk -v key="$key" '$1 == key { print $2, $3 }' "$here/pinned_clis.txt")
if [ -z "${package:-}" ]; then
    echo "install_cli: no pinned CLI named '$key' in $here/pinned_clis.txt" >&2
    exit 1
fi
for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "install_cli: $tool is missing (Debian's nodejs and npm packages provide it)" >&2
        exit 77
    fi
done

target="$cache/$key-$version"
if [ -f "$target/.installed" ]; then
    echo "$target"
    exit 0
fi
mkdir -p "$target"
# A lock per CLI: ctest may start two tests of one CLI at once.
exec 9>"$target.lock"
flock 9
if [ -f "$target/.installed" ]; then
    echo "$target"
    exit 0
fi
if ! timeout 60 npm view "$package@$version" version >/dev/null 2>"$target.view-error"; then
    reason="$(tail -n 3 "$target.view-error" | tr '\n' ' ')"
    if grep -q E404 "$target.view-error"; then
        echo "install_cli: $package@$version is not in the registry (pinned_clis.txt): $reason" >&2
        exit 1
    fi
    echo "install_cli: the npm registry cannot be reached: $reason" >&2
    exit 77
fi
if ! timeout 600 npm install --prefix "$target" --no-audit --no-fund --loglevel=error \
    "$package@$version" >"$target.install-log" 2>&1; then
    echo "install_cli: npm install $package@$version failed: $(tail -n 5 "$target.install-log" | tr '\n' ' ')" >&2
    exit 1
fi
touch "$target/.installed"
echo "$target"
