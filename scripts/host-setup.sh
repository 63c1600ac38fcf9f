#!/bin/sh
# Prepare a Debian/Ubuntu host to run rum (and its test suite): packages,
# device permissions, daemons, the libvirt `default` network.
# Idempotent; run as root.  `rum doctor` points here for any missing piece.
#   HOST_SETUP_DEV=1   also install what the test suite and image builder need
set -eu

[ "$(id -u)" = 0 ] || { echo "host-setup: run as root (sudo sh $0)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

runtime_pkgs="libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
  dnsmasq-base iptables nftables ovmf openssh-client"
# Checkers and builders used only by tests / the test image.
dev_pkgs="genisoimage xorriso p7zip-full libxml2-utils cloud-init shellcheck
  debootstrap grub-pc-bin grub-efi-amd64-bin mtools dosfstools e2fsprogs parted
  openssh-server curl zsh fish"

missing=""
pkgs=$runtime_pkgs
[ "${HOST_SETUP_DEV:-0}" = 1 ] && pkgs="$pkgs $dev_pkgs"
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "host-setup: installing$missing"
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# Without udev (containers, minimal VMs) nobody sets these modes.
if [ -e /dev/kvm ]; then chown root:kvm /dev/kvm && chmod 0660 /dev/kvm; fi
if [ -e /dev/net/tun ]; then chmod 0666 /dev/net/tun; fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if [ "$(cat /proc/1/comm)" = systemd ]; then
  systemctl enable --now libvirtd >/dev/null 2>&1 || systemctl start libvirtd
else
  # virtlogd first: qemu's serial <log> and stdio handler go through it.
  alive /run/virtlogd.pid || /usr/sbin/virtlogd -d
  alive /run/libvirtd.pid || /usr/sbin/libvirtd -d
fi
i=0
until virsh -c qemu:///system list --all >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "host-setup: libvirtd did not answer" >&2; exit 1; }
  sleep 0.1
done

virsh -c qemu:///system net-info default >/dev/null 2>&1 ||
  virsh -c qemu:///system net-define /usr/share/libvirt/networks/default.xml >/dev/null
virsh -c qemu:///system net-info default | grep -q '^Active:.*yes' ||
  virsh -c qemu:///system net-start default >/dev/null
echo "host-setup: libvirt ready (qemu:///system, network default active)"
