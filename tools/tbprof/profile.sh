#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-profile: where every kernel instruction of one operation goes.
#
#   tools/tbprof/profile.sh KERNEL KREL MODULE OUTDIR [N]
#
# Builds the tbprof QEMU plugin and the tbprof_load workload into OUTDIR,
# then boots the stock VM as make bench's icount part does (one vCPU,
# -icount shift=0,sleep=off -cpu qemu64), with nokaslr so that addresses
# are the same in every boot: once to dump /proc/kallsyms, once running
# no operation (the baseline: boot, module load, setup), and once per mode
# (enotty, gci, make) running N operations (default 200000).  What the
# kernel does on its own time differs from boot to boot (a stretch of
# HPET-reading code in .text.unlikely, found attributed to hpet_alloc.cold,
# ran 2.4 million instructions more or less than in the baseline): over
# 200 000 operations that is 12 instructions per operation at most, and
# the tables show such functions with their negative counts.  Prints, per
# mode, the kernel instructions per operation by group and by function
# (analyze.py); tables in OUTDIR/MODE.txt.
set -e
kernel=$1 krel=$2 module=$3 out=$4 n=${5:-200000}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
gcc -O2 -Wall -shared -fPIC -o "$out/libtbprof.so" "$top/tools/tbprof/tbprof.c"
gcc -O2 -Wall -Wextra -I"$top/uapi" -I"$top/build/kernel-tools" \
	-I"$top/selftests" -static -pthread -o "$out/tbprof_load" \
	"$top/tools/tbprof/tbprof_load.c"
boot() {	# NAME COMMAND
	"$top/scripts/vm-run.sh" --kernel "$kernel" --kver "$krel" \
		--module "$module" --bin "$out/tbprof_load" \
		--bin "$top/build/tools/ktapictl" -q --smp 1 --timeout 1800 \
		--append nokaslr --workdir "$out/vm-$1" --log "$out/$1.log" \
		--qemu-opt=-icount --qemu-opt=shift=0,sleep=off \
		--qemu-opt=-cpu --qemu-opt=qemu64 --qemu-opt=-plugin \
		--qemu-opt="$out/libtbprof.so,out=$out/$1.tb" -- \
		"ktapictl load ktapi && $2" > /dev/null
}
boot syms "grep ' [tT] ' /proc/kallsyms | sed 's/^/KSYM /'"
boot base "tbprof_load gci 0"
for m in enotty gci make; do
	boot "$m" "tbprof_load $m $n"
	python3 "$top/tools/tbprof/analyze.py" "$out/syms.log" "$out/base.tb" \
		"$out/$m.tb" "$n" > "$out/$m.txt"
	echo "== $m ($out/$m.txt)"
	head -12 "$out/$m.txt"
done
