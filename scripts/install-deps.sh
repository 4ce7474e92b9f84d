#!/bin/sh
# Installs the Debian packages and npm modules the project needs, only those
# that are missing, so running it twice is cheap. Called by `make run` / `make test`.
set -eu

# Debian packages, one concern per line.
PACKAGES="
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
qemu-system-arm ipxe-qemu
clang lld clang-format libclang-rt-14-dev
emscripten cmake ninja-build
dpkg-dev xz-utils ca-certificates curl python3-pip
valgrind
chromium
"

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
