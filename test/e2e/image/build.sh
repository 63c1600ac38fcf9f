#!/bin/bash
# Build the e2e test image: a small Debian 12 cloud image made from Debian's
# packages (no cloud image can be downloaded here), bootable by SeaBIOS and OVMF,
# with cloud-init (NoCloud only), openssh-server, sudo and growpart.
#
#   test/e2e/image/build.sh            -> prints the path of the cached qcow2
#
# The result is cached outside the repo under $RUM_TEST_IMAGE_CACHE (default
# /var/cache/rum-test-image) keyed by the sha256 of this script, so CI rebuilds
# only when the recipe changes. Needs root (debootstrap, chroot, one loop mount).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KEY=$(sha256sum "$HERE/build.sh" | cut -c1-16)
CACHE=${RUM_TEST_IMAGE_CACHE:-/var/cache/rum-test-image}
OUT=$CACHE/$KEY/debian-12-test.qcow2
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi

log() { echo "image-build: $*" >&2; }
W=$(mktemp -d /var/tmp/rum-image-build.XXXXXX)
R=$W/rootfs
cleanup() {
  for m in dev/pts dev sys proc; do mountpoint -q "$R/$m" 2>/dev/null && umount -l "$R/$m"; done
  mountpoint -q "$W/sd" 2>/dev/null && umount -l "$W/sd"
  rm -rf "$W"
}
trap cleanup EXIT

# The mirror apt already uses here (deb822 or one-line sources).
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian

log "debootstrap bookworm from $MIRROR"
# minbase + systemd only: debootstrap's resolver cannot handle cloud-init's
# virtual dependencies, so the rest is installed with apt inside the chroot.
debootstrap --variant=minbase --include=systemd-sysv,udev,dbus bookworm "$R" "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
  { tail -n 20 "$W/debootstrap.log" >&2; exit 1; }
mount -t proc proc "$R/proc"; mount -t sysfs sys "$R/sys"
mount --bind /dev "$R/dev"; mount --bind /dev/pts "$R/dev/pts"
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"
in_chroot() { chroot "$R" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c "$1" >>"$W/chroot.log" 2>&1 ||
  { tail -n 30 "$W/chroot.log" >&2; exit 1; }; }

log "installing kernel, cloud-init, openssh-server"
in_chroot 'apt-get update -q && apt-get install -y -q --no-install-recommends initramfs-tools zstd'
# A small initramfs with just what finds the root fs on virtio.
sed -i 's/^MODULES=.*/MODULES=list/' "$R/etc/initramfs-tools/initramfs.conf"
printf 'virtio_pci\nvirtio_blk\nvirtio_scsi\nsd_mod\next4\ncrc32c_generic\n' >>"$R/etc/initramfs-tools/modules"
# linux-image-amd64, not the cloud kernel: that one has no AHCI driver, so the
# SATA CD-ROM seed would be invisible and cloud-init would fall back to None.
in_chroot 'apt-get install -y -q --no-install-recommends linux-image-amd64 cloud-init openssh-server sudo \
  iproute2 cloud-guest-utils systemd-resolved e2fsprogs xfsprogs btrfs-progs'

echo debian-test >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
echo 'LANG=C.UTF-8' >"$R/etc/default/locale"
# systemd-networkd does DHCP (cloud-init renders its network-config to networkd
# too, since neither ifupdown nor netplan is installed).
mkdir -p "$R/etc/systemd/network" "$R/etc/systemd/system/systemd-networkd-wait-online.service.d"
printf '[Match]\nName=en* eth*\n[Network]\nDHCP=yes\n' >"$R/etc/systemd/network/90-dhcp.network"
printf '[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=60\n' \
  >"$R/etc/systemd/system/systemd-networkd-wait-online.service.d/override.conf"
chroot "$R" systemctl enable systemd-networkd.service systemd-resolved.service >/dev/null 2>&1
cat >"$R/etc/cloud/cloud.cfg.d/90-rum-test.cfg" <<'CFG'
# Only a NoCloud seed; never probe cloud metadata services (no network here).
datasource_list: [ NoCloud, None ]
# C.UTF-8 needs no locale-gen (the default en_US.UTF-8 makes cc_locale fail).
locale: C.UTF-8
CFG

# Drop what a virtio guest never needs (~270 MB).
K=$(ls "$R/lib/modules")
( cd "$R/lib/modules/$K/kernel" && rm -rf sound drivers/gpu drivers/media drivers/infiniband \
    drivers/iio drivers/staging drivers/hwmon drivers/isdn drivers/bluetooth drivers/net/wireless \
    drivers/net/ethernet drivers/net/can drivers/mmc drivers/mtd drivers/nfc net/bluetooth \
    net/wireless net/mac80211 net/nfc )
chroot "$R" depmod -a "$K"
rm -rf "$R"/usr/share/locale/* "$R"/usr/share/doc/* "$R"/usr/share/man/*
chroot "$R" apt-get clean; rm -rf "$R"/var/lib/apt/lists/*
# Every clone must be unique: host keys and machine-id are made on first boot.
rm -f "$R"/etc/ssh/ssh_host_*
: >"$R/etc/machine-id"; rm -f "$R/var/lib/dbus/machine-id"
rm -f "$R/usr/sbin/policy-rc.d"
for m in dev/pts dev sys proc; do umount "$R/$m"; done

log "assembling a GPT disk (BIOS + UEFI)"
# Written without mounting partitions: the host kernel here has no
# partition-table, vfat or device-mapper support.
SIZE_MIB=2048 RAW=$W/disk.raw UUID=$(cat /proc/sys/kernel/random/uuid)
P2_START=4096 P2_END=69631 P3_START=69632 P3_END=$((SIZE_MIB * 2048 - 34))
truncate -s "${SIZE_MIB}M" "$RAW"
parted -s "$RAW" unit s mklabel gpt \
  mkpart bios 2048 4095 set 1 bios_grub on \
  mkpart esp fat32 $P2_START $P2_END set 2 esp on \
  mkpart root ext4 $P3_START $P3_END >/dev/null 2>&1
rm -rf "$R/boot/grub"; mkdir -p "$R/boot/grub/x86_64-efi"
cp -r /usr/lib/grub/i386-pc "$R/boot/grub/"
cp /usr/lib/grub/x86_64-efi/*.mod /usr/lib/grub/x86_64-efi/*.lst "$R/boot/grub/x86_64-efi/"
cat >"$R/boot/grub/grub.cfg" <<CFG
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
search --no-floppy --fs-uuid --set=root $UUID
menuentry 'Debian test' {
  linux /vmlinuz root=UUID=$UUID ro console=tty0 console=ttyS0,115200n8
  initrd /initrd.img
}
CFG
echo "UUID=$UUID / ext4 errors=remount-ro 0 1" >"$R/etc/fstab"
# -b 4096 matters: without it the size argument is read as KiB.
mkfs.ext4 -q -b 4096 -L rootfs -U "$UUID" -E offset=$((P3_START * 512)) -d "$R" \
  "$RAW" $(((P3_END - P3_START + 1) / 8))
printf 'search.fs_uuid %s root\nset prefix=($root)/boot/grub\n' "$UUID" >"$W/early.cfg"
grub-mkimage -O i386-pc -o "$W/core.img" -c "$W/early.cfg" -p /boot/grub biosdisk part_gpt ext2 search_fs_uuid
# grub-bios-setup needs its -d dir on a resolvable device: a throw-away ext2.
truncate -s 8M "$W/scratch.img"; mkfs.ext2 -q "$W/scratch.img"; mkdir "$W/sd"
mount -o loop "$W/scratch.img" "$W/sd"
cp /usr/lib/grub/i386-pc/boot.img "$W/core.img" "$W/sd/"
/usr/lib/grub/i386-pc/grub-bios-setup -d "$W/sd" -b boot.img -c core.img "$RAW"
umount "$W/sd"
mkfs.fat -F 16 -n ESP --offset=$P2_START "$RAW" $(((P2_END - P2_START + 1) / 2)) >/dev/null 2>&1
grub-mkimage -O x86_64-efi -o "$W/BOOTX64.EFI" -c "$W/early.cfg" -p /boot/grub part_gpt ext2 fat search_fs_uuid
mmd -i "$RAW@@$((P2_START * 512))" ::/EFI ::/EFI/BOOT
mcopy -i "$RAW@@$((P2_START * 512))" "$W/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

mkdir -p "$CACHE/$KEY"
qemu-img convert -c -O qcow2 "$RAW" "$OUT.tmp"
chmod 0644 "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "built $OUT ($(du -h "$OUT" | cut -f1))"
echo "$OUT"
