#!/bin/bash
# scripts/vm/setup.sh -- prepare everything the QEMU guest harness (scripts/vm/packvm.py) needs.
#
# Idempotent. On a fresh Debian 12 machine (as root) it
#   1. apt-get installs qemu-system-x86, busybox-static, kmod, cpio, xz-utils, python3 and pytest
#      (apt-get update only when the package lists cannot resolve them),
#   2. apt-get downloads Debian's current kernel (the package linux-image-amd64 depends on),
#      extracts it, runs depmod, and extracts the uncompressed vmlinux from the bzImage
#      (booting vmlinux via QEMU's PVH entry skips ~4.5 s of XZ decompression under TCG),
#   3. builds the *base* initramfs: busybox-static + the kernel modules the harness uses
#      (with their dependencies and modules.dep).
# The guest scripts (scripts/vm/guest/: /init, agent, gadget helpers) are appended by packvm.py
# at boot as a second cpio archive, so editing them needs no re-run of this script.
#
# Everything goes to $PACKSTATION_VM_CACHE (default ~/.cache/packstation-vm), keyed by kernel
# version; nothing is written into the repository. A second run with a complete cache takes <1 s.
#
# Usage: scripts/vm/setup.sh [--force]     (--force rebuilds the kernel dir and initramfs)
# Env:   PACKSTATION_VM_CACHE  cache dir;  PACKSTATION_VM_KVER  pin a kernel ABI (e.g. 6.1.0-56-amd64)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PACKSTATION_VM_CACHE:-$HOME/.cache/packstation-vm}
FORCE=0; [ "${1:-}" = --force ] && FORCE=1
export DEBIAN_FRONTEND=noninteractive
T0=$SECONDS
log() { echo "[vm-setup +$((SECONDS - T0))s] $*"; }
die() { echo "[vm-setup] ERROR: $*" >&2; exit 1; }

SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo   # CI runs as root; a developer may not

# Kernel modules that go into the initramfs (their dependencies are added automatically).
MODULES="dummy_hcd libcomposite usb_f_hid usb_f_printer usbhid hid-generic evdev usblp uinput
         9p 9pnet_virtio virtio_pci virtio_console overlay"

# ---------------------------------------------------------------- 1. host packages
APT_PKGS="qemu-system-x86 busybox-static kmod cpio xz-utils python3"
apt_updated=0
apt_update_once() {
  [ $apt_updated = 1 ] && return 0
  log "apt-get update"; $SUDO apt-get update -qq; apt_updated=1
}
# (no `cmd | grep -q` under pipefail: grep exits early, cmd gets SIGPIPE, the test "fails")
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
has_candidate() { local out; out=$(apt-cache policy "$@" 2>/dev/null); [[ $out == *"Candidate: "[0-9]* ]]; }
missing=()
for p in $APT_PKGS; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  # an empty or stale list has no candidate for the packages: update first then
  has_candidate "${missing[@]}" || apt_update_once
  log "apt-get install ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt_update_once; $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
# pytest for whichever python3 runs the tests (Debian's, or a pyenv/venv one that apt cannot serve)
if ! python3 -c 'import pytest' 2>/dev/null; then
  if [ "$(command -v python3)" = /usr/bin/python3 ] || [ "$(command -v python3)" = /bin/python3 ]; then
    installed python3-pytest || {
      has_candidate python3-pytest || apt_update_once
      log "apt-get install python3-pytest"
      $SUDO apt-get install -y -qq --no-install-recommends python3-pytest >/dev/null; }
  else
    log "pip install pytest (for $(command -v python3))"
    python3 -m pip install -q pytest
  fi
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after install"
[ -x /bin/busybox ] || die "/bin/busybox (busybox-static) not found after install"
log "host packages ready"

# ---------------------------------------------------------------- 2. kernel
resolve_kver() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: linux-image-\([0-9].*\)$/\1/p' | head -1
}
KVER=${PACKSTATION_VM_KVER:-$(resolve_kver)}
if [ -z "$KVER" ]; then apt_update_once; KVER=$(resolve_kver); fi
[ -n "$KVER" ] || die "cannot resolve the kernel package behind linux-image-amd64 (apt-cache depends)"
cached_deb() { ls "$CACHE"/debs/linux-image-"$KVER"_*.deb 2>/dev/null | head -1 || true; }
if [ $FORCE = 1 ] || [ ! -f "$CACHE/$KVER/.complete" ]; then
  if [ -z "$(cached_deb)" ] && [ ! -f "$CACHE/kernel/$KVER/boot/vmlinuz-$KVER" ] && [ -z "${PACKSTATION_VM_KVER:-}" ]; then
    # about to download: make sure the lists name the kernel the archive has now
    apt_update_once; KVER=$(resolve_kver)
  fi
fi
OUT=$CACHE/$KVER             # vmlinux, vmlinuz, base-initramfs.cpio.gz, kver, .complete
KDIR=$CACHE/kernel/$KVER     # extracted linux-image .deb
mkdir -p "$CACHE/debs" "$OUT"
if [ $FORCE = 0 ] && [ -f "$OUT/.complete" ]; then
  echo "$KVER" > "$CACHE/current"
  log "cached: kernel $KVER in $OUT (nothing to do)"
  exit 0
fi
rm -f "$OUT/.complete"

if [ $FORCE = 1 ] || [ ! -f "$KDIR/boot/vmlinuz-$KVER" ]; then
  deb=$(cached_deb)
  if [ -z "$deb" ]; then
    log "apt-get download linux-image-$KVER"
    # apt-get download writes to the cwd; _apt cannot write to /root: run it in a world-writable tmp dir
    tmpd=$(mktemp -d); chmod 755 "$tmpd"
    ( cd "$tmpd" && { apt-get download -q "linux-image-$KVER" 2>&1 ||
        { apt_update_once; apt-get download -q "linux-image-$KVER" 2>&1; }; } ) |
      grep -v 'Download is performed unsandboxed' || true
    mv "$tmpd"/linux-image-"$KVER"_*.deb "$CACHE/debs/" 2>/dev/null || die "download of linux-image-$KVER failed"
    rm -rf "$tmpd"
    deb=$(cached_deb)
  fi
  log "extracting $(basename "$deb")"
  rm -rf "$KDIR"; mkdir -p "$KDIR"
  dpkg-deb -x "$deb" "$KDIR"
fi
[ -f "$KDIR/lib/modules/$KVER/modules.dep" ] && [ $FORCE = 0 ] || depmod -b "$KDIR" "$KVER"

cp "$KDIR/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
# The bzImage carries the kernel as an XZ stream; QEMU can boot the uncompressed ELF directly.
python3 - "$OUT/vmlinuz" "$OUT/vmlinux.tmp" <<'EOF'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
start = data.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit('no XZ payload in bzImage')
elf = lzma.LZMADecompressor().decompress(data[start:])   # stops at the stream end, ignores the trailer
if elf[:4] != b'\x7fELF':
    sys.exit('XZ payload is not an ELF vmlinux')
open(sys.argv[2], 'wb').write(elf)
EOF
mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
log "kernel $KVER: vmlinux $(du -h "$OUT/vmlinux" | cut -f1)"

# ---------------------------------------------------------------- 3. base initramfs
R=$(mktemp -d); trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,mnt/host,host,lib/modules/"$KVER"}
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
  [ "$a" = busybox ] && continue          # never replace the binary by a link to itself
  ln -sf busybox "$R/bin/$a"
done
MD=$KDIR/lib/modules/$KVER
for m in $MODULES; do
  modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" ||
    die "module $m not found in $KVER"
done | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r f; do
  rel=${f#"$MD"/}
  mkdir -p "$R/lib/modules/$KVER/$(dirname "$rel")"
  case $f in
    *.ko.xz)  xz -dc "$f" > "$R/lib/modules/$KVER/${rel%.xz}" ;;
    *.ko.zst) zstd -dqc "$f" > "$R/lib/modules/$KVER/${rel%.zst}" ;;
    *)        cp "$f" "$R/lib/modules/$KVER/$rel" ;;
  esac
done
cp "$MD"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KVER/"
depmod -b "$R" "$KVER"
echo "$KVER" > "$R/etc/packvm-kver"
nmods=$(find "$R/lib/modules" -name '*.ko' | wc -l)
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6) > "$OUT/base-initramfs.cpio.gz.tmp"
mv "$OUT/base-initramfs.cpio.gz.tmp" "$OUT/base-initramfs.cpio.gz"
echo "$KVER" > "$OUT/kver"
touch "$OUT/.complete"
rm -rf "$KDIR"               # ~400 MB of modules; the .deb stays in $CACHE/debs for a rebuild
echo "$KVER" > "$CACHE/current"
log "base initramfs: $nmods modules, $(du -h "$OUT/base-initramfs.cpio.gz" | cut -f1) -> $OUT"
log "done"
