#!/bin/sh
# rum installer: downloads the rum binary for this machine, checks its SHA-256
# against the release's SHA256SUMS, and installs it.
#
#   curl -fsSL https://github.com/rum-vm/rum/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --prefix ~/bin
#   sh install.sh [--prefix DIR]
#
# Where it installs: DIR/rum with --prefix DIR; else /usr/local/bin/rum as root;
# else $HOME/.local/bin/rum.
#
# Environment:
#   RUM_VERSION           pin a release, e.g. 0.1.0 (fetches .../releases/download/v0.1.0/...);
#                         unset = latest release
#   RUM_INSTALL_BASE_URL  URL of the folder holding rum-linux-<arch> and SHA256SUMS
#                         (a mirror or a local server); overrides RUM_VERSION
#   NO_COLOR              set to turn colours off (they are already off when stderr is not a TTY)
#
# Nothing is written to the install folder unless the checksum matches.
set -eu

RELEASES_URL="https://github.com/rum-vm/rum/releases"

usage() {
  cat <<'EOF'
Install rum (one binary that turns a rum.toml into a running libvirt/KVM VM).

Usage: sh install.sh [--prefix DIR]

Options:
  --prefix DIR  install as DIR/rum (default: /usr/local/bin as root, else ~/.local/bin)
  -h, --help    show this help

Environment:
  RUM_VERSION           release to install, e.g. 0.1.0 (default: latest)
  RUM_INSTALL_BASE_URL  folder URL holding rum-linux-<arch> and SHA256SUMS
EOF
}

# Colours only for a person at a terminal: logs and CI get plain text.
c_red="" c_bold="" c_off=""
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then
  c_red=$(printf '\033[1;31m') c_bold=$(printf '\033[1m') c_off=$(printf '\033[0m')
fi

say() { printf 'rum-install: %s\n' "$*" >&2; }

error() { printf '%srum-install: error: %s%s\n' "$c_red" "$1" "$c_off" >&2; }

# die MESSAGE [HINT]: every failure names its cause and, where there is one, the fix.
die() {
  error "$1"
  if [ $# -ge 2 ]; then say "hint: $2"; fi
  exit 1
}

usage_error() {
  error "$1"
  say "run with --help for usage"
  exit 2
}

tmp_dir=""
staged=""
cleanup() {
  if [ -n "$staged" ]; then rm -f "$staged"; fi
  if [ -n "$tmp_dir" ]; then rm -rf "$tmp_dir"; fi
}

detect_arch() {
  os=$(uname -s)
  [ "$os" = "Linux" ] || die "rum runs only on Linux (it drives libvirt/KVM); this system is $os" \
    "install rum on a Linux host, or inside a Linux VM with nested virtualisation"
  machine=$(uname -m)
  case $machine in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "no rum build for the $machine architecture" "rum is built for x86_64 and aarch64 Linux" ;;
  esac
}

base_url() {
  if [ -n "${RUM_INSTALL_BASE_URL:-}" ]; then
    echo "${RUM_INSTALL_BASE_URL%/}"
  elif [ -n "${RUM_VERSION:-}" ]; then
    echo "$RELEASES_URL/download/v${RUM_VERSION#v}"
  else
    echo "$RELEASES_URL/latest/download"
  fi
}

# fetch URL FILE
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed" "install one of them (e.g. apt-get install curl)"
  fi
}

# sha256_of FILE: prints the hex digest.
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "cannot verify the download: neither sha256sum nor shasum is installed" \
      "install coreutils (sha256sum); rum is never installed unverified"
  fi
}

# verify FILE NAME SUMS_FILE: the file's digest must equal NAME's line in SUMS_FILE.
verify() {
  expected=$(awk -v name="$2" '$2 == name || $2 == "*" name { print $1; exit }' "$3")
  case $expected in
    "" | *[!0-9a-f]*)
      die "SHA256SUMS has no valid checksum for $2; refusing to install" \
        "the release may be incomplete; try again later or pin another RUM_VERSION" ;;
  esac
  actual=$(sha256_of "$1")
  if [ "$actual" != "$expected" ]; then
    error "CHECKSUM MISMATCH for $2; refusing to install"
    say "  expected $expected"
    say "  got      $actual"
    die "the download is corrupt or was tampered with; nothing was installed" \
      "retry; if it persists, report it at $RELEASES_URL"
  fi
}

default_dir() {
  if [ "$(id -u)" = "0" ]; then
    echo /usr/local/bin
  elif [ -n "${HOME:-}" ]; then
    echo "$HOME/.local/bin"
  else
    die "HOME is not set, so there is no default install folder" "pass --prefix DIR"
  fi
}

path_advice() {
  case ":$PATH:" in
    *":$1:"*)
      found=$(command -v rum 2>/dev/null || true)
      if [ "$found" != "$1/rum" ]; then
        say "note: another rum comes first on your PATH: $found"
      fi
      return 0
      ;;
  esac
  say "$1 is not on your PATH. Add it for your shell, then open a new terminal:"
  export_line="export PATH=\"$1:\$PATH\""
  printf "  bash:  echo '%s' >> ~/.bashrc\n" "$export_line" >&2
  printf "  zsh:   echo '%s' >> ~/.zshrc\n" "$export_line" >&2
  printf '  fish:  fish_add_path %s\n' "$1" >&2
}

main() {
  prefix=""
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix=*) prefix=${1#--prefix=} ;;
      --prefix)
        [ $# -ge 2 ] || usage_error "--prefix needs a directory"
        prefix=$2
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) usage_error "unknown option: $1" ;;
    esac
    shift
  done
  if [ -z "$prefix" ]; then prefix=$(default_dir); fi

  arch=$(detect_arch)
  name="rum-linux-$arch"
  base=$(base_url)

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/rum-install.XXXXXX")

  say "downloading $base/$name"
  fetch "$base/$name" "$tmp_dir/$name" || die "could not download $base/$name" \
    "check your network, and that $base has a build for linux-$arch"
  fetch "$base/SHA256SUMS" "$tmp_dir/SHA256SUMS" || die "could not download $base/SHA256SUMS" \
    "check your network and try again"
  verify "$tmp_dir/$name" "$name" "$tmp_dir/SHA256SUMS"
  say "checksum ok"

  mkdir -p "$prefix" || die "cannot create $prefix" "pick a writable folder with --prefix DIR"
  prefix=$(CDPATH="" cd -- "$prefix" && pwd)
  staged="$prefix/.rum.tmp.$$"
  cp "$tmp_dir/$name" "$staged" || die "cannot write to $prefix" \
    "run as root, or pick a writable folder with --prefix DIR"
  chmod 0755 "$staged"
  # Run the staged copy before it replaces anything, so a binary that cannot
  # run here (noexec mount, wrong libc) never overwrites a working rum.
  version=$("$staged" --version) || die "the downloaded rum does not run on this system" \
    "if $prefix is on a noexec mount, pick another folder with --prefix DIR"
  mv -f "$staged" "$prefix/rum"
  staged=""
  "$prefix/rum" --version >/dev/null || die "$prefix/rum does not run after installing"
  say "installed ${c_bold}${version}${c_off} to $prefix/rum"
  path_advice "$prefix"
}

# Everything above only defines functions, so a download cut short by the
# network cannot run half a script.
main "$@"
