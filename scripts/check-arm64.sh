#!/bin/sh
# The linux-arm64 release binary, run on this x86_64 host under qemu-user, so
# a broken arm64 build cannot ship unseen. It must be an aarch64 executable
# built on the same Bun and revision as dist/rum, and answer every command
# that needs no libvirt exactly as the host's binary does: --version,
# validate, schema, skill, dump-iso (its ISO read back by isoinfo).
#
#   bun run build --all && sh scripts/check-arm64.sh
#
# Needs qemu-user-static and libc6-arm64-cross (scripts/host-setup.sh installs them).
set -eu
cd "$(dirname "$0")/.."

arm=$PWD/dist/rum-linux-arm64
x64=$PWD/dist/rum-linux-x64
schema=$PWD/rum.schema.json
sysroot=/usr/aarch64-linux-gnu

fail() {
  echo "check-arm64: FAIL: $*" >&2
  exit 1
}

for f in "$arm" "$x64"; do
  [ -x "$f" ] || fail "$f is missing: run \`bun run build --all\` first"
done
command -v qemu-aarch64-static >/dev/null ||
  fail "qemu-aarch64-static is missing: sh scripts/host-setup.sh (qemu-user-static)"
[ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] ||
  fail "no aarch64 glibc in $sysroot: sh scripts/host-setup.sh (libc6-arm64-cross)"
command -v isoinfo >/dev/null || fail "isoinfo is missing: sh scripts/host-setup.sh (genisoimage)"

# What install.sh checks: both binaries listed in SHA256SUMS, with their digests.
for name in rum-linux-x64 rum-linux-arm64; do
  grep -q "^[0-9a-f]\{64\}  $name\$" dist/SHA256SUMS || fail "dist/SHA256SUMS has no line for $name"
done
(cd dist && sha256sum --check --quiet SHA256SUMS) || fail "dist/SHA256SUMS does not match the binaries"

# ELF header: 64-bit (byte 5 = 2), little-endian (byte 6 = 1), e_machine 183 = EM_AARCH64.
header=$(od -An -tu1 -j4 -N2 "$arm" | tr -s ' ')
machine=$(od -An -tu2 -j18 -N2 "$arm" | tr -d ' ')
if [ "$header" != " 2 1" ] || [ "$machine" != 183 ]; then
  fail "$arm is not a 64-bit little-endian aarch64 ELF (class/data:$header, e_machine $machine)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rum-check-arm64.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# rum keeps per-VM keys under HOME: a private one, so the two binaries share
# it with each other (same keys, same seed) and with nothing else.
export HOME="$tmp/home" NO_COLOR=1
unset XDG_DATA_HOME XDG_CACHE_HOME RUM_LIBVIRT_URI
mkdir -p "$HOME"

run_arm() { qemu-aarch64-static -L "$sysroot" "$arm" "$@"; }
run_x64() { "$x64" "$@"; }

# same WHAT CMD...: the arm64 and the x64 binary print the same stdout.
same() {
  what=$1
  shift
  run_arm "$@" >"$tmp/arm.out" || fail "$what: rum-linux-arm64 $* exited $?"
  run_x64 "$@" >"$tmp/x64.out" || fail "$what: rum-linux-x64 $* exited $?"
  cmp -s "$tmp/arm.out" "$tmp/x64.out" || {
    diff "$tmp/x64.out" "$tmp/arm.out" | head -20 >&2
    fail "$what: arm64 and x64 outputs differ (diff above: < x64, > arm64)"
  }
  echo "check-arm64: $what: same output as x64 ($(wc -c <"$tmp/arm.out") bytes)"
}

same "--version" --version
BUN_BE_BUN=1 run_arm --version >"$tmp/arm.bun"
BUN_BE_BUN=1 run_x64 --version >"$tmp/x64.bun"
cmp -s "$tmp/arm.bun" "$tmp/x64.bun" ||
  fail "built on different Bun runtimes: arm64 $(cat "$tmp/arm.bun"), x64 $(cat "$tmp/x64.bun")"
echo "check-arm64: both binaries embed Bun $(cat "$tmp/arm.bun")"

same schema schema
cmp -s "$tmp/arm.out" "$schema" || fail "schema: differs from rum.schema.json"
same skill skill

# A config touching every table; arch is set, so both binaries resolve it alike.
vm="$tmp/vm"
mkdir -p "$vm/src"
cat >"$vm/rum.toml" <<'EOF'
name = "armcheck"

[image]
base = "debian-12"

[resources]
cpus = 2
memory_mb = 1024
disk = "8G"

[network]
hostname = "armcheck"

[[mounts]]
source = "src"
target = "/src"

[drives.data]
size = "2G"

[provision.system]
script = "echo provisioned > /var/tmp/rum-check"

[advanced]
arch = "aarch64"
domain_type = "qemu"
EOF
(cd "$vm" && same "validate --json" validate --json)
grep -q '"arch": "aarch64"' "$tmp/arm.out" || fail "validate: arch is not aarch64"
grep -q '"machine": "virt"' "$tmp/arm.out" || fail "validate: aarch64 machine is not virt"

# Without [advanced] arch, the default is the host's: aarch64 for the arm64 binary.
sed '/^arch = /d' "$vm/rum.toml" >"$vm/host.rum.toml"
(cd "$vm" && run_arm -c host.rum.toml validate --json) >"$tmp/host.json" ||
  fail "validate (default arch) exited $?"
grep -q '"arch": "aarch64"' "$tmp/host.json" || fail "validate: the default arch is not aarch64"
echo "check-arm64: validate: default arch under qemu-aarch64 is aarch64"

(cd "$vm" && run_arm -q dump-iso "$tmp/iso-arm" >/dev/null) || fail "dump-iso exited $?"
(cd "$vm" && run_x64 -q dump-iso "$tmp/iso-x64" >/dev/null) || fail "dump-iso (x64) exited $?"
iso="$tmp/iso-arm/seed.iso"
# ISO 9660 names are upper case; cloud-init matches the label case-insensitively.
isoinfo -d -i "$iso" | grep -qi '^Volume id: cidata$' || fail "dump-iso: the ISO's volume id is not cidata"
for f in user-data meta-data network-config; do
  isoinfo -R -i "$iso" -x "/$f" >"$tmp/iso.$f" || fail "dump-iso: isoinfo cannot read /$f"
  cmp -s "$tmp/iso.$f" "$tmp/iso-arm/$f" || fail "dump-iso: /$f in the ISO differs from $f beside it"
  cmp -s "$tmp/iso-arm/$f" "$tmp/iso-x64/$f" || fail "dump-iso: $f differs between arm64 and x64"
done
echo "check-arm64: dump-iso: cidata ISO read back by isoinfo, same seed as x64"
echo "check-arm64: ok"
