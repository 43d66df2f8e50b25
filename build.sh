#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root) or a developer's checkout:
#   ./build.sh status   install what is missing, build, run `spawngate status` on this machine
#   ./build.sh test     install what is missing, build, run the whole test suite
#   ./build.sh build    install what is missing and build only
# Safe to repeat: packages already present are not reinstalled, and the build is incremental.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${SPAWNGATE_BUILD_DIR:-$here/build}"
mode="${1:-build}"

packages=(
    cmake g++ make pkg-config file procps scdoc
    libcgroup-dev libcli11-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    # The deploy zoo (tests/zoo): real deploy tools and the look-alikes the reaper must spare.
    ansible-core capistrano fabric vim less git
)

install_missing_packages() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "build.sh: missing Debian packages: ${missing[*]}; run as root or install them" >&2
        exit 1
    fi
    echo "build.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {
    local werror=OFF
    [ "${CI:-}" = "true" ] && werror=ON
    cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSPAWNGATE_WERROR="$werror" >/dev/null
    cmake --build "$build_dir" -j "$(nproc)"
}

case "$mode" in
    build)
        install_missing_packages
        configure_and_build
        ;;
    status)
        install_missing_packages
        configure_and_build
        "$build_dir/gate/spawngate" status
        ;;
    test)
        install_missing_packages
        configure_and_build
        ctest --test-dir "$build_dir" --output-on-failure --timeout 300
        ;;
    *)
        echo "usage: ./build.sh [build|status|test]" >&2
        exit 64
        ;;
esac
