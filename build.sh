#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root) or a developer's checkout:
#   ./build.sh status   install what is missing, build, run `spawngate status` on this machine
#   ./build.sh test     install what is missing, build, run the whole test suite
#   ./build.sh build    install what is missing and build only
#   ./build.sh package  install what is missing, build build/package/spawngate_VERSION_ARCH.deb
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
# What `./build.sh package` needs beyond that: the Debian tools, and what its test checks with.
package_tools=(debhelper dpkg-dev lintian man-db bash-completion systemd)

install_missing_packages() {
    local missing=()
    for package in "$@"; do
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

# dpkg-buildpackage writes next to the source tree, so it runs on a copy of the tracked files
# and of new files not ignored, as they are in the working tree) under build/package/; the .deb
# lands there.
build_package() {
    local version package_dir source_dir
    version="$(sed -n 's/^project(spawngate VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")"
    package_dir="$build_dir/package"
    source_dir="$package_dir/spawngate-$version"
    rm -rf "$package_dir"
    mkdir -p "$source_dir"
    if git -C "$here" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$here" ls-files -z --cached --others --exclude-standard | tar -C "$here" --null --ignore-failed-read -T - -cf - 2>/dev/null
    else
        tar -C "$here" --exclude='./build*' -cf - .
    fi | tar -C "$source_dir" -xf -
    echo "build.sh: building the package in $package_dir (log: $package_dir/build.log)" >&2
    if ! (cd "$source_dir" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -b -us -uc) \
        >"$package_dir/build.log" 2>&1; then
        tail -n 40 "$package_dir/build.log" >&2
        echo "build.sh: dpkg-buildpackage failed; the whole log is $package_dir/build.log" >&2
        exit 1
    fi
    rm -rf "$source_dir"
    ls "$package_dir"/spawngate_"$version"_*.deb
}

case "$mode" in
    build)
        install_missing_packages "${packages[@]}"
        configure_and_build
        ;;
    package)
        install_missing_packages "${packages[@]}" "${package_tools[@]}"
        build_package
        ;;
    status)
        install_missing_packages "${packages[@]}"
        configure_and_build
        "$build_dir/gate/spawngate" status
        ;;
    test)
        install_missing_packages "${packages[@]}"
        configure_and_build
        ctest --test-dir "$build_dir" --output-on-failure --timeout 300
        ;;
    *)
        echo "usage: ./build.sh [build|status|test|package]" >&2
        exit 64
        ;;
esac
