#!/bin/sh
# Fetches the sources of the Unicorn build from package registries only, and
# checks them against the pins below:
#   - Unicorn 2.1.4: the PyPI source distribution (its C tree is under src/);
#   - QEMU 5.2's TCG interpreter (TCI), which Unicorn 2 no longer ships: three
#     files out of Debian bullseye's source package qemu 1:5.2+dfsg-11+deb11u3,
#     downloaded with apt's own source tooling (signed Release -> Sources ->
#     .dsc -> tarball hashes) through a private apt configuration, so the
#     system's apt setup is never modified.
#
# Result, under ${ALLOCPLAY_CACHE:-$HOME/.cache/allocplay}/unicorn/sources/:
#   unicorn-2.1.4/src/...      the unpacked sdist (pristine)
#   qemu-5.2-tci/tci.c, tcg-target.h, tcg-target.c.inc
# A second run only re-checks the hashes of what is already there.
set -eu

UNICORN_VERSION=2.1.4
UNICORN_SDIST_SHA256=00567a70e323f749b419cd86bee4f9115beab7ebba32194581c090cbb7c59cff

QEMU_DEB_VERSION=1:5.2+dfsg-11+deb11u3
QEMU_DEB_SUITES="bullseye bullseye-updates"
QEMU_DSC_SHA256=fa1d488a360bed23ff678597ad0ec39e39014d6be1816ad0e2a396b8d063f3fb
QEMU_ORIG_SHA256=be5ae7ddc88d68af81c7b2435b95c1cad4e9416c9a1426ee5a6a4b9a9c0bf87e
# The TCI files as extracted from qemu_5.2+dfsg.orig.tar.xz (path in tarball, hash).
TCI_FILES="
qemu-5.2.0/tcg/tci.c 395cc0ba939e2cb85dc3f9e45d3e689ee85463c06385765ad628fe93a7ebcf29
qemu-5.2.0/tcg/tci/tcg-target.h 2e43ebafd83e3a1bd8b2fd8153e017e2c2eba05aa528506ef21e9decd6e91704
qemu-5.2.0/tcg/tci/tcg-target.c.inc 25ebb9068b4d9cd4915caf3d899014f0b7c7def6e7352de71cab279f2b51cbb2
"

cache=${ALLOCPLAY_CACHE:-$HOME/.cache/allocplay}/unicorn
sources=$cache/sources
unicorn_dir=$sources/unicorn-$UNICORN_VERSION
tci_dir=$sources/qemu-5.2-tci

log() { echo "unicorn/fetch: $*" >&2; }
die() { log "error: $*"; exit 1; }

# check_sha256 FILE SHA256: fail unless FILE has exactly that hash.
check_sha256() {
    actual=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$actual" = "$2" ] || die "$1: sha256 $actual, expected $2"
}

tci_files_ok() {
    # shellcheck disable=SC2086 # split the "path hash" pairs
    set -- $TCI_FILES
    while [ "$#" -ge 2 ]; do
        file=$tci_dir/$(basename "$1")
        [ -f "$file" ] || return 1
        [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$2" ] || return 1
        shift 2
    done
}

mkdir -p "$sources"

# --- Unicorn from PyPI ------------------------------------------------------
if [ ! -f "$unicorn_dir/.unpacked" ]; then
    log "downloading unicorn==$UNICORN_VERSION sdist from PyPI"
    tmp=$(mktemp -d "$sources/tmp.XXXXXX")
    python3 -m pip download --quiet --no-deps --no-binary :all: \
        --dest "$tmp" "unicorn==$UNICORN_VERSION"
    sdist=$tmp/unicorn-$UNICORN_VERSION.tar.gz
    [ -f "$sdist" ] || die "pip did not produce $(basename "$sdist")"
    check_sha256 "$sdist" "$UNICORN_SDIST_SHA256"
    rm -rf "$unicorn_dir"
    tar -xzf "$sdist" -C "$tmp" --no-same-owner
    [ -f "$tmp/unicorn-$UNICORN_VERSION/src/uc.c" ] || die "sdist has no C tree under src/"
    mv "$tmp/unicorn-$UNICORN_VERSION" "$unicorn_dir"
    cp "$sdist" "$sources/"
    touch "$unicorn_dir/.unpacked"
    rm -rf "$tmp"
fi
check_sha256 "$sources/unicorn-$UNICORN_VERSION.tar.gz" "$UNICORN_SDIST_SHA256"

# --- QEMU 5.2 TCI from Debian bullseye ---------------------------------------
if ! tci_files_ok; then
    # Private apt configuration: a bullseye deb-src entry using the mirror the
    # machine already uses for Debian (first URIs of a non-security stanza).
    debian_sources=/etc/apt/sources.list.d/debian.sources
    if [ -f "$debian_sources" ]; then
        mirror=$(awk '
            /^[[:space:]]*$/ { if (uris != "" && suites !~ /-security/) { print uris; exit } uris = ""; suites = "" }
            /^URIs:/ { uris = $2 }
            /^Suites:/ { suites = $0 }
            END { if (uris != "" && suites !~ /-security/) print uris }' "$debian_sources" | head -n 1)
    else
        mirror=$(awk '$1 == "deb" && $3 !~ /-security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    fi
    [ -n "$mirror" ] || die "no Debian mirror found in $debian_sources"

    apt_root=$cache/apt
    mkdir -p "$apt_root/sources.list.d" "$apt_root/lists/partial" "$apt_root/cache/archives/partial"
    cat > "$apt_root/sources.list.d/bullseye-src.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: $QEMU_DEB_SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # Downloads land in the (user-owned) cache, so apt's _apt sandbox user
    # could not write them: run the download as the calling user.
    set -- -o Dir::Etc::SourceList=/dev/null \
        -o Dir::Etc::SourceParts="$apt_root/sources.list.d" \
        -o Dir::State::Lists="$apt_root/lists" \
        -o Dir::Cache="$apt_root/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)"
    log "updating the private bullseye source index ($mirror)"
    apt-get "$@" -qq update
    tmp=$(mktemp -d "$sources/tmp.XXXXXX")
    log "downloading Debian source package qemu=$QEMU_DEB_VERSION"
    (cd "$tmp" && apt-get "$@" -qq source --download-only "qemu=$QEMU_DEB_VERSION") >/dev/null
    check_sha256 "$tmp"/qemu_*.dsc "$QEMU_DSC_SHA256"
    orig=$tmp/qemu_5.2+dfsg.orig.tar.xz
    check_sha256 "$orig" "$QEMU_ORIG_SHA256"

    # Debian ships the upstream TCI files unchanged: no Debian patch touches them.
    if tar -xJOf "$tmp"/qemu_*.debian.tar.xz --wildcards 'debian/patches/*' |
        grep -q '^+++ .*tcg/tci'; then
        die "a Debian patch modifies tcg/tci*: review before using the upstream files"
    fi

    # Only the TCI files leave the tarball.
    paths=$(echo "$TCI_FILES" | awk 'NF == 2 { print $1 }')
    # shellcheck disable=SC2086 # split the path list
    tar -xJf "$orig" -C "$tmp" $paths
    rm -rf "$tci_dir"
    mkdir -p "$tci_dir"
    # shellcheck disable=SC2086 # split the "path hash" pairs
    set -- $TCI_FILES
    while [ "$#" -ge 2 ]; do
        check_sha256 "$tmp/$1" "$2"
        cp "$tmp/$1" "$tci_dir/"
        shift 2
    done
    cp "$tmp"/qemu_*.dsc "$tci_dir/"
    rm -rf "$tmp"
fi
tci_files_ok || die "TCI files in $tci_dir do not match their pins"
log "sources ready in $sources"
