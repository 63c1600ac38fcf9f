#!/bin/sh
# What rum's test suite needs on a host beyond rum itself: independent format
# checkers (ISO, domain XML, cloud-init), the test image builders' tools, an
# sshd for the remote-libvirt tests, shells for the completion tests, the
# aarch64 emulator and firmware libvirt checks aarch64 domains against, and
# qemu-user with an arm64 libc for scripts/check-arm64.sh.
# libvirt, QEMU and the rest of what rum needs to run VMs are not installed
# here: `rum doctor --fix` does that, as it does for users (.ci/run runs it).
# Idempotent; run as root on Debian/Ubuntu.
set -eu

[ "$(id -u)" = 0 ] || { echo "host-setup: run as root (sudo sh $0)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

test_pkgs="genisoimage xorriso p7zip-full libxml2-utils cloud-init shellcheck
  debootstrap grub-pc-bin grub-efi-amd64-bin mtools dosfstools e2fsprogs parted
  xfsprogs cpio openssh-server curl zsh fish
  qemu-system-arm qemu-efi-aarch64 qemu-user-static libc6-arm64-cross"

missing=""
for p in $test_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "host-setup: installing$missing"
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
echo "host-setup: test tools ready"
