# shellcheck shell=bash
# Sourced by run.sh, test.sh and bench.sh: makes sure this machine has what
# servicebook needs to build, installing what it can and saying clearly
# what it cannot.

set -euo pipefail
# Fyne logs a locale error under LANG=C; a person's own language is kept.
case "${LANG:-C}" in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

say() { printf 'servicebook setup: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

# The C compiler and the X11/OpenGL headers are what Fyne's window (cgo,
# go-gl and GLFW) compiles against.
packages=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev
          libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
# test.sh adds what only the tests need (it sets test_packages).
packages+=(${test_packages[@]+"${test_packages[@]}"})

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
fi
if ! command -v go >/dev/null 2>&1; then
    missing+=(golang-go)
fi

if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null 2>&1; then
        fail "please install: ${missing[*]} (this script installs them itself only on Debian or Ubuntu)"
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "please install as root: apt-get install ${missing[*]}"
        sudo="sudo"
    fi
    say "installing ${missing[*]}"
    $sudo apt-get update -qq || fail "apt-get update failed; check the network or the package sources"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || fail "could not install ${missing[*]}"
fi

command -v go >/dev/null 2>&1 || fail "Go is not installed; get Go 1.26 or newer from https://go.dev/dl/"
command -v gcc >/dev/null 2>&1 || fail "gcc is not installed: apt-get install gcc"

# go.mod asks for Go 1.26. A Go of 1.21 or newer fetches that toolchain
# by itself through the module proxy; an older one cannot.
go_version=$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')
go_minor=$(printf '%s' "$go_version" | sed -E 's/^go1\.([0-9]+).*/\1/')
if ! [[ "$go_minor" =~ ^[0-9]+$ ]] || ((go_minor < 21)); then
    fail "Go $go_version is too old; servicebook needs Go 1.26 or newer (https://go.dev/dl/)"
fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
go_version=$(go env GOVERSION)
go_minor=$(printf '%s' "$go_version" | sed -E 's/^go1\.([0-9]+).*/\1/')
((go_minor >= 26)) || fail "Go $go_version is too old and could not fetch Go 1.26; install Go 1.26 or newer (https://go.dev/dl/)"
# Fyne's emoji font is left out (Fyne's no_emoji tag): the window parsed
# it again for every text style it draws, 15 MB of the window's memory,
# for characters servicebook's screens do not use (the printed pages never
# had them either). A plain `go build` still works, with more memory.
case " ${GOFLAGS:-} " in *" -tags="*) ;; *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=no_emoji" ;; esac
