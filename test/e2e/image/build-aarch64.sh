#!/bin/bash
# Build the aarch64 e2e test image: the smallest aarch64 guest that proves an
# aarch64 domain boots under emulation and joins the network. A GPT disk with
# one EFI system partition holding GRUB (BOOTAA64.EFI, found by AAVMF), Debian's
# arm64 kernel and a busybox initramfs whose /init loads virtio-net and asks
# for a DHCP lease, forever. No root filesystem, no cloud-init, no sshd: a full
# Debian made under qemu-user did not fit CI's time budget (docs/aarch64.md).
#
#   test/e2e/image/build-aarch64.sh    -> prints the path of the cached qcow2
#
# Made from Debian's arm64 .debs (unpacked, never run on the host), so it needs
# no binfmt and no chroot. Cached like build.sh, under $RUM_TEST_IMAGE_CACHE
# keyed by the sha256 of this script. Needs root only to write the cache.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KEY=$(sha256sum "$HERE/build-aarch64.sh" | cut -c1-16)
CACHE=${RUM_TEST_IMAGE_CACHE:-/var/cache/rum-test-image}
OUT=$CACHE/$KEY/debian-12-aarch64-dhcp.qcow2
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi

log() { echo "image-build-aarch64: $*" >&2; }
W=$(mktemp -d /var/tmp/rum-image-build-aarch64.XXXXXX)
trap 'rm -rf "$W"' EXIT

# apt with its own lists and cache, for arm64 only: the host's dpkg
# architectures and package lists stay as they are.
mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$W/debs" "$W/x"
apt_arm64() {
  apt-get -q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
    -o Dir::State::Lists="$W/lists" -o Dir::Cache="$W/cache" -o Dir::State::status=/dev/null \
    -o Debug::NoLocking=1 "$@"
}
log "downloading Debian arm64 kernel, busybox-static, grub-efi-arm64-bin"
apt_arm64 update >"$W/apt.log" 2>&1 || { tail -n 20 "$W/apt.log" >&2; exit 1; }
KPKG=$(apt_arm64 install -s linux-image-arm64 2>/dev/null | awk '/^Inst linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { log "no arm64 kernel package found"; exit 1; }
(cd "$W/debs" && apt_arm64 download "$KPKG" busybox-static grub-efi-arm64-bin >>"$W/apt.log" 2>&1) ||
  { tail -n 20 "$W/apt.log" >&2; exit 1; }
for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$W/x"; done
K=$(ls "$W/x/lib/modules")

log "initramfs: busybox and virtio-net ($K)"
I=$W/initramfs
mkdir -p "$I"/{bin,dev,proc,sys,lib/modules}
cp "$W/x/bin/busybox" "$I/bin/busybox"
# virtio-net and what it needs, in load order (virtio itself is built in).
for m in net/core/failover drivers/net/net_failover drivers/virtio/virtio_pci_legacy_dev \
  drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci drivers/net/virtio_net; do
  cp "$W/x/lib/modules/$K/kernel/$m.ko" "$I/lib/modules/"
done
cat >"$I/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
# The initramfs has no /dev/console of its own, so init starts without one.
exec </dev/console >/dev/console 2>&1
for m in failover net_failover virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_net; do
  insmod /lib/modules/$m.ko
done
ip link set lo up
n=0; while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
echo "rum-aarch64-test: $(cat /sys/class/net/eth0/address 2>/dev/null) asking for a lease"
# Foreground, retrying and renewing for as long as the guest runs.
exec udhcpc -f -i eth0 -s /bin/lease
INIT
cat >"$I/bin/lease" <<'LEASE'
#!/bin/sh
# udhcpc's hook: apply the lease and say so on the serial console.
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    ip link set "$interface" up
    [ -n "$router" ] && ip route replace default via "${router%% *}"
    echo "rum-aarch64-test: lease $ip on $interface" >/dev/console ;;
  deconfig) ip link set "$interface" up ;;
esac
LEASE
chmod +x "$I/init" "$I/bin/lease"
(cd "$I" && find . | cpio -o -H newc --quiet | gzip -9) >"$W/initrd.img"

log "assembling a GPT disk with one EFI system partition"
SIZE_MIB=64 RAW=$W/disk.raw ESP_START=2048 ESP_END=$((64 * 2048 - 34))
truncate -s "${SIZE_MIB}M" "$RAW"
parted -s "$RAW" unit s mklabel gpt mkpart esp fat32 $ESP_START $ESP_END set 1 esp on >/dev/null 2>&1
mkfs.fat -F 16 -n ESP --offset=$ESP_START "$RAW" $(((ESP_END - ESP_START + 1) / 2)) >/dev/null 2>&1
cat >"$W/grub.cfg" <<'CFG'
set timeout=0
menuentry 'rum aarch64 test' {
  linux /vmlinuz console=ttyAMA0 panic=10
  initrd /initrd.img
}
CFG
# The prefix has no device: GRUB takes the one it was loaded from.
grub-mkimage -O arm64-efi -d "$W/x/usr/lib/grub/arm64-efi" -o "$W/BOOTAA64.EFI" -p /EFI/BOOT \
  part_gpt fat normal configfile linux echo
ESP="$RAW@@$((ESP_START * 512))"
mmd -i "$ESP" ::/EFI ::/EFI/BOOT
mcopy -i "$ESP" "$W/BOOTAA64.EFI" ::/EFI/BOOT/BOOTAA64.EFI
mcopy -i "$ESP" "$W/grub.cfg" ::/EFI/BOOT/grub.cfg
mcopy -i "$ESP" "$W/x/boot/vmlinuz-$K" ::/vmlinuz
mcopy -i "$ESP" "$W/initrd.img" ::/initrd.img

mkdir -p "$CACHE/$KEY"
qemu-img convert -c -O qcow2 "$RAW" "$OUT.tmp"
chmod 0644 "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "built $OUT ($(du -h "$OUT" | cut -f1))"
echo "$OUT"
