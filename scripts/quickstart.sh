#!/usr/bin/env bash
# The two quick-start commands of the README:
#   scripts/quickstart.sh demo   install what is missing, build (release), run the default demo
#   scripts/quickstart.sh test   install what is missing, build release and asan-ubsan, run every test
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12 packages the project needs (build, tests, cross toolchain, QEMU reference).
PACKAGES=(build-essential cmake pkg-config libcapstone-dev libelf-dev libcmocka-dev libfdt-dev
          libinih-dev libcjson-dev gcc-powerpc64-linux-gnu binutils-powerpc64-linux-gnu
          qemu-system-ppc device-tree-compiler clang clang-format zlib1g-dev)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "quickstart: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

build() {
    cmake --preset "$1" >/dev/null
    cmake --build --preset "$1"
}

case "${1:-}" in
demo)
    install_missing
    build release
    exec scripts/demo.sh build/release
    ;;
test)
    install_missing
    for preset in release asan-ubsan; do
        echo "=== $preset: build"
        build "$preset"
        echo "=== $preset: test"
        ctest --preset "$preset"
    done
    ;;
*)
    echo "usage: scripts/quickstart.sh demo|test" >&2
    exit 64
    ;;
esac
