#!/usr/bin/env bash
# CPython 3.14 and 3.15 on a Debian 12 machine: Debian sid's packages, in a chroot.
#
#   scripts/sid.sh setup        create the chroot in $SID_ROOT (default /srv/sid) if it is not there
#   scripts/sid.sh run CMD...   run CMD inside it, in this repository, with the host's Rust toolchain
#   scripts/sid.sh pythons      print the sid interpreters (one path per line) that run
#
# sid's CPythons need a newer glibc than Debian 12 has, so they cannot run on the host; the
# host's cargo and rustc run unchanged inside (a newer glibc runs older binaries). `run` makes
# its bind mounts (/proc, /dev, the toolchain, this repository) in a private mount namespace
# (`unshare -m`): they vanish when the command ends, so no mount outlives it and removing the
# chroot can never reach the host's toolchain through one. Needs root (as CI is).
# Inside, CARGO_TARGET_DIR is $SID_CARGO_TARGET_DIR (default target/sid): scripts/pythons.py
# gives each interpreter its own, target/sid-3.X.
# Debian's sid moves: nothing here pins a point release; read the version the interpreter reports.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SID_ROOT=${SID_ROOT:-/srv/sid}
SID_MIRROR=${SID_MIRROR:-http://deb.debian.org/debian}
VERSIONS=(3.14 3.15)

packages() {
    local p=(gcc libc6-dev make pkg-config zlib1g-dev ca-certificates git)
    for v in "${VERSIONS[@]}"; do p+=("python$v" "python$v-dev" "python$v-venv"); done
    local IFS=,
    echo "${p[*]}"
}

setup() {
    if [[ -x "$SID_ROOT/usr/bin/python${VERSIONS[-1]}" && -e "$SID_ROOT/.fastsession-ready" ]]; then
        echo "sid chroot ready in $SID_ROOT"
        return
    fi
    if ! command -v debootstrap >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
    fi
    if mountpoint -q "$SID_ROOT/proc" 2>/dev/null; then
        echo "$SID_ROOT/proc is mounted: not touching $SID_ROOT" >&2
        exit 1
    fi
    echo "creating the sid chroot in $SID_ROOT (about 70 s)"
    mkdir -p "$SID_ROOT"
    debootstrap --variant=minbase --include="$(packages)" sid "$SID_ROOT" "$SID_MIRROR"
    touch "$SID_ROOT/.fastsession-ready"
}

# The host's settings for the package registries, as the chroot needs them.
copy_host_config() {
    local f
    for f in /etc/resolv.conf /etc/pip.conf /etc/ssl/certs/ca-certificates.crt; do
        if [[ -f $f ]]; then
            mkdir -p "$SID_ROOT$(dirname "$f")"
            cp -L "$f" "$SID_ROOT$f"
        fi
    done
}

run() {
    [[ -e "$SID_ROOT/.fastsession-ready" ]] || setup >&2
    copy_host_config
    local home=${HOME:-/root}
    local cargo_home=${CARGO_HOME:-$home/.cargo} rustup_home=${RUSTUP_HOME:-$home/.rustup}
    local binds=(/proc /dev "$cargo_home" "$rustup_home" "$ROOT")
    [[ -n ${PIP_FIND_LINKS:-} && -d ${PIP_FIND_LINKS:-} ]] && binds+=("$PIP_FIND_LINKS")
    local cmd
    printf -v cmd '%q ' "$@"
    # shellcheck disable=SC2016
    CARGO_BIN="$cargo_home/bin" CARGO_HOME_IN="$cargo_home" RUSTUP_HOME_IN="$rustup_home" \
        PIP_LINKS="${PIP_FIND_LINKS:-}" HYP="${HYPOTHESIS_PROFILE:-ci}" TARGET="${SID_CARGO_TARGET_DIR:-$ROOT/target/sid}" \
        PWD_IN="$PWD" unshare --mount --propagation private -- bash -euc '
        root=$1; shift; cmd=$1; shift
        for b in "$@"; do mkdir -p "$root$b"; mount --rbind "$b" "$root$b"; done
        exec chroot "$root" /usr/bin/env -i \
            HOME=/root PATH="$CARGO_BIN:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
            CARGO_HOME="$CARGO_HOME_IN" RUSTUP_HOME="$RUSTUP_HOME_IN" \
            SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
            PIP_FIND_LINKS="$PIP_LINKS" PIP_DISABLE_PIP_VERSION_CHECK=1 \
            HYPOTHESIS_PROFILE="$HYP" CARGO_TERM_COLOR=never \
            CARGO_TARGET_DIR="$TARGET" \
            bash -c "cd $(printf %q "$PWD_IN") && $cmd"
    ' sid "$SID_ROOT" "$cmd" "${binds[@]}"
}

pythons() {
    local v
    for v in "${VERSIONS[@]}"; do
        [[ -x "$SID_ROOT/usr/bin/python$v" ]] && echo "/usr/bin/python$v"
    done
    return 0
}

case ${1:-} in
    setup) setup ;;
    run) shift; run "$@" ;;
    pythons) pythons ;;
    *) sed -n '3,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
