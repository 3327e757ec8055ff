#!/bin/bash
# Build the ktapi debug kernel (KASAN, kmemleak, lockdep, UBSAN, failslab...)
# from Debian's linux-source-6.1: tinyconfig plus scripts/debug-kernel.config.
#
# usage: scripts/debug-kernel.sh OUTDIR
# Leaves OUTDIR/src (a configured tree, usable as KDIR for M= builds) and
# OUTDIR/bzImage.  Rebuilds only when the fragment or this script changed.
set -euo pipefail

out=${1:?usage: $0 OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
mkdir -p "$out"
out=$(cd "$out" && pwd)

stamp=$(cat "$frag" "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$out/bzImage" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "debug kernel: up to date ($out/bzImage)"
	exit 0
fi

[ -f "$tarball" ] || { echo "debug kernel: $tarball missing (install linux-source-6.1)" >&2; exit 1; }

rm -rf "$out/src" "$out/bzImage" "$out/stamp"
mkdir -p "$out/src"
echo "debug kernel: unpacking $tarball"
tar -xJf "$tarball" -C "$out/src" --strip-components=1

cd "$out/src"
make -s tinyconfig
./scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s olddefconfig

# Every option the fragment asks for must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=y)
		if ! grep -qx "$line" .config; then
			echo "debug kernel: $line did not stick" >&2
			missing=1
		fi
		;;
	esac
done < "$frag"
[ "$missing" = 0 ] || exit 1

echo "debug kernel: building bzImage (a few minutes)"
make -s -j"$(nproc)" bzImage modules modules_prepare
cp arch/x86/boot/bzImage "$out/bzImage"
make -s kernelrelease > "$out/kernelrelease"
echo "$stamp" > "$out/stamp"
echo "debug kernel: $out/bzImage ($(cat "$out/kernelrelease"))"
