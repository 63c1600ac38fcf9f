#!/bin/sh
# Install the peer tools `bun run bench` compares rum against, from Debian's
# packages: vagrant + vagrant-libvirt, virt-install, cloud-localds. Idempotent:
# apt is only asked when a package is missing (the full set is ~730 MB).
# Run as root.   sh bench/setup-peers.sh
set -eu

[ "$(id -u)" = 0 ] || { echo "setup-peers: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

missing=""
for p in vagrant vagrant-libvirt virtinst cloud-image-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-peers: installing$missing" >&2
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -q $missing >/dev/null
fi
echo "setup-peers: vagrant $(vagrant --version | cut -d' ' -f2), virt-install $(virt-install --version)" >&2
