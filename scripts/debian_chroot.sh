#!/usr/bin/env bash
# The other Debian release in a chroot: Debian 13 (QGIS 3.40) from a Debian 12 host, Debian 12
# (QGIS 3.22) from a Debian 13 host. Needs root (debootstrap, chroot, mounts).
#
#   scripts/debian_chroot.sh build <suite> <dir>       debootstrap <suite> into <dir> (once; reused)
#   scripts/debian_chroot.sh run <dir> <cmd> [args..]  run <cmd> inside <dir>, cwd kept
#   scripts/debian_chroot.sh test-other [make args..]  both, for the other release, then `make test`
#                                                      inside it on this checkout (`make test-other`)
#
# `run` mounts /proc, /sys, /dev, a fresh /tmp and the checkout (or BIND=<dir>, e.g. /work) at the
# same path inside the chroot, in a private mount namespace: the mounts vanish with the command,
# so concurrent runs do not disturb each other and `rm -rf` of the chroot never reaches /dev.
# The mirror is the one this machine's apt uses (/etc/apt/sources.list*).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "debian_chroot: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mounts)"

# The first apt source whose suite is $1 (one-line or deb822 format): its URI.
mirror_for() {
    local suite=$1 files
    files=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$files" ] || return 0
    # shellcheck disable=SC2086
    awk -v suite="$suite" '
        /^[[:space:]]*#/ { next }
        /^deb[[:space:]]/ { sub(/\[[^]]*\][[:space:]]*/, ""); if ($3 == suite && !found) { print $2; found = 1 } next }
        /^URIs:/   { uris = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && !found) { print uris; found = 1 } }
        /^[[:space:]]*$/ { uris = "" }
    ' $files | head -1
}

host_codename() { . /etc/os-release && echo "$VERSION_CODENAME"; }

build() {
    local suite=$1 dir=$2 codename mirror security
    if [ -f "$dir/.debian-chroot-ready" ]; then
        echo "Reusing the $suite chroot in $dir"
        return
    fi
    codename=$(host_codename)
    mirror=$(mirror_for "$codename")
    security=$(mirror_for "$codename-security")
    mirror=${MIRROR:-${mirror:-http://deb.debian.org/debian}}
    security=${security:-http://security.debian.org/debian-security}
    command -v debootstrap >/dev/null || {
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    }
    echo "debootstrap $suite from $mirror into $dir (a few minutes, once)..."
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.log" 2>&1 \
        || { tail -20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
    cat >"$dir/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF
    # `make setup` installs QGIS and the rest with apt inside; it needs make to start.
    (run "$dir" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make ca-certificates e2fsprogs >/dev/null')
    host_network_settings "$dir"
    touch "$dir/.debian-chroot-ready"
}

# What this machine needs to reach the package index: its local CA certificates (a TLS-inspecting
# proxy, a company CA) and its pip configuration (index URL, mirrors).
host_network_settings() {
    local dir=$1
    if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp -r /usr/local/share/ca-certificates/. "$dir/usr/local/share/ca-certificates/"
        (run "$dir" update-ca-certificates >/dev/null)
    fi
    [ -f /etc/pip.conf ] && cp /etc/pip.conf "$dir/etc/pip.conf"
    [ -f "$HOME/.config/pip/pip.conf" ] && mkdir -p "$dir/root/.config/pip" && cp "$HOME/.config/pip/pip.conf" "$dir/root/.config/pip/"
    return 0
}

run() {
    local dir=$1; shift
    local bind=${BIND:-$ROOT}
    [ -x "$dir/bin/bash" ] || die "$dir is not a chroot (build it first)"
    # Inside the new mount namespace: mount, then chroot with a clean environment.
    # shellcheck disable=SC2016
    unshare --mount --propagation unchanged -- bash -c '
        set -e
        dir=$1 bind=$2 cwd=$3; shift 3
        # Nothing mounted here may reach the parent namespace. Inside a chroot "/" is no mount
        # point (unshare --propagation private fails there): make each visible mount private.
        mount --make-rprivate / 2>/dev/null ||
            awk "{print \$5}" /proc/self/mountinfo | while read -r m; do mount --make-private "$m" || true; done
        mount -t proc proc "$dir/proc"
        mount -t sysfs sys "$dir/sys"
        mount --rbind /dev "$dir/dev"
        mount -t tmpfs -o mode=1777 tmpfs "$dir/tmp"
        mkdir -p "$dir$bind"
        mount --bind "$bind" "$dir$bind"
        cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
        case "$cwd" in "$bind"|"$bind"/*) ;; *) cwd=/ ;; esac
        exec chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" $(env | grep -E "^(PIP_|SSL_CERT_|REQUESTS_CA_BUNDLE=|CURL_CA_BUNDLE=|https?_proxy=|no_proxy=)") \
            bash -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
    ' bash "$dir" "$bind" "$PWD" "$@"
}

test_other() {
    local host suite dir
    host=$(. /etc/os-release && echo "$ID$VERSION_ID")
    case "$host" in
        debian12) suite=trixie ;;
        debian13) suite=bookworm ;;
        *) die "the host is $host; test-other knows Debian 12 <-> 13" ;;
    esac
    dir=${CHROOT_DIR:-$ROOT/.build/chroot-$suite}
    build "$suite" "$dir"
    cd "$ROOT"
    run "$dir" make -C "$ROOT" test "$@"
}

cmd=${1:-}; shift || true
case "$cmd" in
    network) [ $# = 1 ] || die "usage: network <dir>"; host_network_settings "$1" ;;
    build) [ $# = 2 ] || die "usage: build <suite> <dir>"; build "$@" ;;
    run) [ $# -ge 2 ] || die "usage: run <dir> <command> [args...]"; run "$@" ;;
    test-other) test_other "$@" ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
esac
