#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU (TCG) with a throw-away busybox initramfs, run one
# command in it as root, and check the console for kernel reports.
#
# Usage: scripts/vm-run.sh [OPTIONS] -- COMMAND...
#
#   --kernel BZIMAGE   kernel to boot (default: newest /boot/vmlinuz-*)
#   --kver KVER        module directory name in the VM, i.e. the kernel's
#                      `uname -r` (default: from the file name vmlinuz-KVER,
#                      else from the bzImage header)
#   --module KO        put KO at /lib/modules/KVER/extra/ and run depmod, so
#                      libkmod/modprobe can load it by name (repeatable;
#                      nothing is loaded by /init)
#   --kmod NAME        an in-tree module of the VM kernel (e.g. veth,
#                      virtio_net), with the modules it depends on, from the
#                      host's /lib/modules/KVER (decompressed), loaded by
#                      /init before COMMAND, in dependency order
#                      (repeatable; a module built into the kernel is
#                      skipped)
#   --bin FILE         copy FILE to /bin; for a dynamic ELF also copy its
#                      shared libraries and loader, keeping their paths
#                      (repeatable)
#   --lib FILE         copy a shared library to /usr/lib (repeatable)
#   --log FILE         console log, cleaned of \r and escape sequences
#                      (default: WORKDIR/console.log)
#   --workdir DIR      where the initramfs is built (default: the directory
#                      of --log, else build/vm at the top of the tree)
#   --timeout SECS     kill QEMU after SECS seconds (default 300)
#   --smp N            virtual CPUs (default 2)
#   --accel ACCEL      QEMU's -accel (default tcg: one host thread per vCPU;
#                      tcg,thread=single runs the vCPUs in turn on one)
#   --mem MB           memory (default 1024)
#   --append ARGS      extra kernel command line (repeatable, joined by spaces)
#   --qemu-opt OPT     one extra QEMU argument (repeatable, e.g.
#                      --qemu-opt=-icount --qemu-opt=shift=auto)
#   -q, --quiet        do not copy the command's output to stdout
#
# COMMAND is joined with spaces and run by /bin/sh in the VM (like ssh),
# as root, in /root, with PATH=/bin:/sbin:/usr/bin:/usr/sbin and
# KTAPI_VM=1.  The command's output (the console between the markers) is
# copied to stdout as it arrives.
#
# Exit status: 0 when the command exited 0 and the console shows no kernel
# report (BUG, WARNING, Oops, KASAN, UBSAN, kmemleak, lockdep, RCU stall,
# soft lockup, hung task, panic) and no taint other than O and E;
# 1 otherwise (the reasons go to stderr); 2 for usage or setup errors.
# The verdict is also the log's last line: "KTAPI-VM-VERDICT=ok", or
# "KTAPI-VM-VERDICT=FAIL (SECS s): REASONS" (see scripts/tap-summary.sh).

set -eu

me=vm-run
PATH=$PATH:/usr/sbin:/sbin
export PATH
NL='
'

usage() {
	sed -n '4,48s/^# \{0,1\}//p' "$0"
}

die() {
	echo "$me: $*" >&2
	exit 2
}

is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	*) return 0 ;;
	esac
}

topdir=$(cd "$(dirname "$0")/.." && pwd)

kernel='' kver='' modules='' kmods='' bins='' libs='' log='' workdir='' append=''
qopts='' timeout=300 smp=2 mem=1024 quiet=0 accel=tcg

while [ $# -gt 0 ]; do
	opt=$1
	case $opt in
	--)
		shift
		break
		;;
	-h | --help)
		usage
		exit 0
		;;
	-q | --quiet)
		quiet=1
		shift
		continue
		;;
	--*=*)
		val=${opt#*=}
		opt=${opt%%=*}
		shift
		;;
	--*)
		[ $# -ge 2 ] || die "option $opt needs an argument"
		val=$2
		shift 2
		;;
	*)
		die "unexpected argument '$opt' (put the command after --)"
		;;
	esac
	case $opt in
	--kernel) kernel=$val ;;
	--kver) kver=$val ;;
	--module) modules="$modules$val$NL" ;;
	--kmod) kmods="$kmods $val" ;;
	--bin) bins="$bins$val$NL" ;;
	--lib) libs="$libs$val$NL" ;;
	--log) log=$val ;;
	--workdir) workdir=$val ;;
	--timeout) timeout=$val ;;
	--smp) smp=$val ;;
	--accel) accel=$val ;;
	--mem) mem=$val ;;
	--append) append="$append $val" ;;
	--qemu-opt) qopts="$qopts$val$NL" ;;
	*) die "unknown option $opt (see --help)" ;;
	esac
done

[ $# -gt 0 ] || die "no command given; usage: $0 [OPTIONS] -- COMMAND..."
command_text=$*

check_uint() { # NAME VALUE MIN
	if ! is_uint "$2" || [ "$2" -lt "$3" ]; then
		die "bad $1 '$2' (a number >= $3)"
	fi
}
check_uint --timeout "$timeout" 1
check_uint --smp "$smp" 1
check_uint --mem "$mem" 64

for tool in qemu-system-x86_64 cpio gzip timeout ldd awk; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found; run scripts/install-deps.sh (make deps)"
done

# --- kernel and its release ------------------------------------------------

if [ -z "$kernel" ]; then
	# shellcheck disable=SC2012 # plain file names, sort -V needs ls
	kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-*; install linux-image-amd64 or pass --kernel"
fi
[ -f "$kernel" ] || die "kernel $kernel not found"
[ -r "$kernel" ] || die "kernel $kernel is not readable (try as root or copy it)"

# The version string of a bzImage: "HdrS" at 0x202, and the u16 at 0x20e
# is the string's offset minus 0x200 (Documentation/x86/boot.rst).
bzimage_release() {
	magic=$(od -An -c -j 514 -N 4 "$1" 2>/dev/null | tr -d ' ')
	[ "$magic" = HdrS ] || return 0
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	is_uint "$off" && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 512)) count=200 2>/dev/null |
		tr '\000' '\n' | head -n 1 | cut -d ' ' -f 1
}

if [ -z "$kver" ]; then
	case ${kernel##*/} in
	vmlinuz-?*) kver=${kernel##*/vmlinuz-} ;;
	*) kver=$(bzimage_release "$kernel") ;;
	esac
	[ -n "$kver" ] || die "cannot tell the release of $kernel; pass --kver"
fi
case $kver in
*/* | .*) die "bad --kver '$kver'" ;;
esac

# --- where things go -------------------------------------------------------

if [ -z "$workdir" ]; then
	if [ -n "$log" ]; then
		workdir=$(dirname "$log")
	else
		workdir=$topdir/build/vm
	fi
fi
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
[ -n "$log" ] || log=$workdir/console.log
mkdir -p "$(dirname "$log")"
name=${log##*/}
name=${name%.log}
initrd=$workdir/$name.cpio.gz

root=$(mktemp -d "$workdir/.root.XXXXXX")
chmod 0755 "$root"
qemu_rc_file=$root.qemu-rc
qemu_pid_file=$root.qemu-pid
# shellcheck disable=SC2317 # called through trap
cleanup() {
	if [ -s "$qemu_pid_file" ]; then
		kill -TERM "$(cat "$qemu_pid_file")" 2>/dev/null || :
	fi
	rm -rf "$root" "$qemu_rc_file" "$qemu_pid_file"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' HUP TERM

# --- the initramfs ---------------------------------------------------------

for d in bin sbin usr/bin usr/sbin usr/lib etc dev proc sys tmp root run mnt var/tmp; do
	mkdir -p "$root/$d"
done

# Names of the --lib files: their dependents find them in /usr/lib.
lib_names=
lib_dirs=
IFS=$NL
for f in $libs; do
	[ -f "$f" ] || die "--lib $f: no such file"
	lib_names="$lib_names${f##*/}$NL"
	d=$(cd "$(dirname "$f")" && pwd)
	lib_dirs="${lib_dirs:+$lib_dirs:}$d"
done
unset IFS

# Without ldd (it cannot run what the host kernel cannot exec, e.g. i386
# programs when the host lacks IA32 emulation): the loader and NEEDED
# libraries of ELF file $1, found in the usual directories for its class,
# printed in ldd's format.
# Runs in a subshell: $(elf_deps_readelf FILE).
elf_deps_readelf() {
	unset IFS
	set -f
	command -v readelf >/dev/null 2>&1 || die "readelf not found (binutils)"
	interp=$(readelf -lW "$1" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || return 0
	class=$(readelf -hW "$1" | awk '$1 == "Class:" { print $2 }')
	if [ "$class" = ELF32 ]; then
		dirs="/lib32 /usr/lib32 /lib/i386-linux-gnu /usr/lib/i386-linux-gnu /lib /usr/lib"
	else
		dirs="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib"
	fi
	dirs="$(printf '%s' "$lib_dirs" | tr ':' ' ') $dirs"
	printf '\t%s (0x0)\n' "$interp"
	todo=$1 seen=''
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086 # split the work list
		set -- $todo
		cur=$1
		shift
		todo=$*
		for n in $(readelf -dW "$cur" 2>/dev/null |
			sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]$/\1/p'); do
			case " $seen " in
			*" $n "*) continue ;;
			esac
			seen="$seen $n"
			found=''
			for d in $dirs; do
				[ -f "$d/$n" ] || continue
				c=$(readelf -hW "$d/$n" 2>/dev/null | awk '$1 == "Class:" { print $2 }')
				[ "$c" = "$class" ] || continue
				found=$d/$n
				break
			done
			if [ -n "$found" ]; then
				printf '\t%s => %s (0x0)\n' "$n" "$found"
				todo="$todo $found"
			else
				printf '\t%s => not found\n' "$n"
			fi
		done
	done
}

# Copy the shared libraries and the loader of ELF file $1, keeping paths.
copy_elf_deps() {
	head4=$(od -An -tx1 -N 4 "$1" 2>/dev/null | tr -d ' \n')
	[ "$head4" = 7f454c46 ] || return 0
	if ! deps=$(LD_LIBRARY_PATH=$lib_dirs ldd "$1" 2>/dev/null); then
		deps=$(elf_deps_readelf "$1")
	fi
	missing=$(printf '%s\n' "$deps" | awk '$2 == "=>" && $3 == "not" { print $1 }')
	for m in $missing; do
		case $NL$lib_names in
		*"$NL$m$NL"*) ;;
		*) die "$1 needs $m, which is not found (pass it with --lib)" ;;
		esac
	done
	paths=$(printf '%s\n' "$deps" | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }')
	IFS=$NL
	for p in $paths; do
		case $NL$lib_names in
		*"$NL${p##*/}$NL"*) continue ;;
		esac
		[ -e "$root$p" ] && continue
		mkdir -p "$root$(dirname "$p")"
		cp -L "$p" "$root$p"
	done
	unset IFS
}

busybox=$(command -v busybox 2>/dev/null) || die "busybox not found; install busybox-static"
cp -L "$busybox" "$root/bin/busybox"
copy_elf_deps "$busybox"
# /init makes the other applet links (busybox --install -s keeps files).
ln -s busybox "$root/bin/sh"

IFS=$NL
for f in $bins; do
	[ -f "$f" ] || die "--bin $f: no such file"
	dst=$root/bin/${f##*/}
	rm -f "$dst"
	cp -L "$f" "$dst"
	chmod a+rx "$dst"
	copy_elf_deps "$f"
done
for f in $libs; do
	cp -L "$f" "$root/usr/lib/${f##*/}"
	copy_elf_deps "$f"
done
unset IFS

# Let the loader find libraries without LD_LIBRARY_PATH.
cat >"$root/etc/ld.so.conf" <<'EOF'
/usr/lib
/lib/x86_64-linux-gnu
/usr/lib/x86_64-linux-gnu
/lib32
/usr/lib32
/lib/i386-linux-gnu
/usr/lib/i386-linux-gnu
EOF
ldconfig -X -r "$root" 2>/dev/null || :

if [ -n "$modules" ]; then
	mdir=$root/lib/modules/$kver
	mkdir -p "$mdir/extra"
	IFS=$NL
	for ko in $modules; do
		[ -f "$ko" ] || die "--module $ko: no such file"
		cp -L "$ko" "$mdir/extra/${ko##*/}"
		vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d ' ' -f 1) || vermagic=
		if [ -n "$vermagic" ] && [ "$vermagic" != "$kver" ]; then
			echo "$me: warning: $ko is built for $vermagic, the VM kernel is $kver" >&2
		fi
	done
	unset IFS
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		if [ -f "/lib/modules/$kver/$f" ]; then
			cp "/lib/modules/$kver/$f" "$mdir/$f"
		else
			: >"$mdir/$f"
		fi
	done
	depmod -b "$root" "$kver" || die "depmod failed"
fi

# --kmod: the files modprobe would insmod, in its order, decompressed;
# /etc/ktapi-vm-kmods lists them for /init.
: >"$root/etc/ktapi-vm-kmods"
for m in $kmods; do
	deps=$(modprobe -S "$kver" --show-depends "$m" 2>/dev/null) ||
		die "--kmod $m: no such module for $kver in /lib/modules/$kver"
	for ko in $(printf '%s\n' "$deps" | awk '$1 == "insmod" { print $2 }'); do
		dst=$root${ko%.xz}
		dst=${dst%.zst}
		[ -e "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		case $ko in
		*.xz) xz -dc "$ko" >"$dst" ;;
		*.zst) zstd -qdc "$ko" >"$dst" ;;
		*) cp "$ko" "$dst" ;;
		esac || die "--kmod $m: cannot copy $ko"
		printf '%s\n' "${dst#"$root"}" >>"$root/etc/ktapi-vm-kmods"
	done
done

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nogroup:x:65534:
EOF
printf '%s\n' "$command_text" >"$root/etc/ktapi-vm-cmd"

cat >"$root/init" <<EOF
#!/bin/sh
# Generated by scripts/vm-run.sh
PATH=/bin:/sbin:/usr/bin:/usr/sbin
HOME=/root
TERM=dumb
KTAPI_VM=1
KTAPI_VM_KVER='$kver'
export PATH HOME TERM KTAPI_VM KTAPI_VM_KVER
EOF
cat >>"$root/init" <<'EOF'
/bin/busybox --install -s
mount -t devtmpfs -o mode=0755 devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || :
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=0620 devpts /dev/pts 2>/dev/null || :
mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null || :
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
hostname ktapi-vm
while read -r ko; do
	insmod "$ko" || echo "KTAPI-VM: warning: insmod $ko failed"
done </etc/ktapi-vm-kmods
if [ "$(uname -r)" != "$KTAPI_VM_KVER" ]; then
	echo "KTAPI-VM: warning: running $(uname -r), modules are in /lib/modules/$KTAPI_VM_KVER"
fi
cd /root
echo KTAPI-VM-START
/bin/sh /etc/ktapi-vm-cmd
rc=$?
echo "KTAPI-VM-RC=$rc"
echo "KTAPI-VM-TAINT=$(cat /proc/sys/kernel/tainted)"
sync
echo b >/proc/sysrq-trigger
sleep 1
reboot -f
EOF
chmod 0755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$initrd.tmp"
mv -f "$initrd.tmp" "$initrd"

# --- boot --------------------------------------------------------------------

set -- qemu-system-x86_64 -accel "$accel" -cpu max -smp "$smp" -m "$mem" \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 printk.time=1$append"
IFS=$NL
for o in $qopts; do
	set -- "$@" "$o"
done
unset IFS

# mawk reads pipes in blocks unless interactive: ask for line mode.
awk_opts=
if awk -W version 2>/dev/null | grep -q mawk; then
	awk_opts="-W interactive"
fi

# One boot: the console cleaned into $log, QEMU's exit status in
# $qemu_rc_file.
boot_once() {
{
	timeout -k 10 "$timeout" "$@" </dev/null 2>&1 &
	echo $! >"$qemu_pid_file"
	rc=0
	wait $! || rc=$?
	echo "$rc" >"$qemu_rc_file"
} | {
	# shellcheck disable=SC2086 # awk_opts is one or two words, or nothing
	awk $awk_opts -v logf="$log" -v quiet="$quiet" '
	BEGIN { esc = sprintf("%c", 27); cr = sprintf("%c", 13); shown = 0 }
	{
		line = $0
		gsub(cr, "", line)
		gsub(esc "\\[[0-9;?=<>]*[ -/]*[@-~]", "", line)
		gsub(esc "[()#][0-9A-Za-z]", "", line)
		gsub(esc ".", "", line)
		gsub(esc, "", line)
		gsub(/[\001-\010\013\014\016-\037\177]/, "", line)
		print line > logf
		fflush(logf)
		if (line ~ /KTAPI-VM-RC=[0-9]/)
			shown = 0
		if (shown && !quiet) {
			print line
			fflush()
		}
		if (line ~ /^KTAPI-VM-START$/)
			shown = 1
	}'
} &
# Wait in the background: a shell runs traps (INT, TERM) only between
# commands, and "wait" is one it can interrupt.
wait $! || :
}

# A kernel that dies before /init starts the command (QEMU exits with the
# panic; nothing of ours has run: /init loads no module) is booted once
# more.  Seen once with 6.12 under TCG on a loaded host: an int3 Oops in
# sched_clock_tick() while the kernel patched its own text at boot.  The
# failed console stays next to the log as LOG.boot1.
echo "$me: booting $kernel ($kver), log $log" >&2
start=$(date +%s)
attempt=1
while :; do
	rm -f "$qemu_rc_file"
	boot_once "$@"
	qemu_rc=$(cat "$qemu_rc_file" 2>/dev/null) || qemu_rc=unknown
	if [ "$attempt" -ge 2 ] || grep -a -q '^KTAPI-VM-START$' "$log" ||
		[ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		break
	fi
	mv -f "$log" "$log.boot$attempt"
	echo "$me: the kernel failed before the command started (QEMU status $qemu_rc; console in $log.boot$attempt); booting it again" >&2
	attempt=$((attempt + 1))
done
end=$(date +%s)
rm -f "$qemu_pid_file"

# --- verdict ------------------------------------------------------------------

fail=0
reasons=
problem() {
	echo "$me: FAIL: $*" >&2
	fail=1
	reasons="${reasons:+$reasons; }$*"
}

show_tail() {
	echo "$me: --- last lines of $log ---" >&2
	tail -n 30 "$log" >&2
	echo "$me: ---" >&2
}

case $qemu_rc in
0) ;;
124 | 137) problem "timeout: no power-off within $timeout s" ;;
*) problem "qemu exited with status $qemu_rc" ;;
esac

rc_line=$(grep -a -o 'KTAPI-VM-RC=[0-9][0-9]*' "$log" | tail -n 1) || rc_line=
cmd_rc=${rc_line#KTAPI-VM-RC=}
if [ -z "$rc_line" ]; then
	problem "no KTAPI-VM-RC marker: the command did not finish"
	show_tail
elif [ "$cmd_rc" -ne 0 ]; then
	problem "the command exited with status $cmd_rc"
fi

# Kernel reports.  Only kernel lines count, i.e. lines with a printk
# timestamp (printk.time=1 is forced); the report must follow it.
ts='\[ *[0-9]+\.[0-9]+\](\[ *[CT][0-9]+\])? '
reports="BUG:|kernel BUG at|BUG [^ ]+ \((Not tainted|Tainted: [^)]*)\): \
|WARNING: CPU: [0-9]+ PID:|Oops|KASAN|UBSAN\
|unreferenced object|suspected memory leak\
|possible circular locking|inconsistent lock state|possible recursive locking\
|INFO: lockdep|DEBUG_LOCKS_WARN|sleeping function called from invalid context\
|Call Trace:|general protection fault|soft lockup|hard LOCKUP\
|self-detected stall|detected stalls|RCU stall|blocked for more than [0-9]+ seconds\
|Kernel panic|list_(add|del) corruption"
report_re="$ts(WARNING:|.*($reports))"
if grep -a -E -v 'Kernel command line:|Command line:' "$log" |
	grep -a -q -E "$report_re"; then
	first_report=$(grep -a -n -E "$report_re" "$log" | grep -v 'ommand line:' |
		head -n 1)
	problem "kernel report(s) in the console, first: ${first_report#*:}"
	grep -a -n -E "$report_re" "$log" | grep -v 'ommand line:' | head -n 40 >&2
	first=${first_report%%:*}
	echo "$me: --- context of the first report (line $first) ---" >&2
	awk -v a=$((first - 5)) -v b=$((first + 45)) 'NR >= a && NR <= b' "$log" >&2
	echo "$me: ---" >&2
fi

taint_line=$(grep -a -o 'KTAPI-VM-TAINT=[0-9][0-9]*' "$log" | tail -n 1) || taint_line=
taint=${taint_line#KTAPI-VM-TAINT=}
if [ -n "$taint_line" ]; then
	# Allowed: O (bit 12, out-of-tree module), E (bit 13, unsigned module).
	bad=$((taint & ~((1 << 12) | (1 << 13))))
	if [ "$bad" -ne 0 ]; then
		letters=PFSRMBUDAWCIOELKXTN
		flags=
		i=0
		while [ $i -lt 19 ]; do
			if [ $(((taint >> i) & 1)) -eq 1 ]; then
				flags="$flags$(printf '%s' "$letters" | cut -c $((i + 1)))"
			fi
			i=$((i + 1))
		done
		problem "kernel tainted: $taint ($flags); only O and E are allowed"
	fi
elif [ -n "$rc_line" ]; then
	problem "no KTAPI-VM-TAINT marker"
fi

# The verdict, last in the log, for scripts/tap-summary.sh.
secs=$((end - start))
if [ "$fail" -ne 0 ]; then
	printf 'KTAPI-VM-VERDICT=FAIL (%s s): %s\n' "$secs" "$reasons" | tr -d '\r' >>"$log"
	echo "$me: FAILED after $secs s; full console log: $log" >&2
	exit 1
fi
echo "KTAPI-VM-VERDICT=ok" >>"$log"
echo "$me: OK in $secs s (command status 0, taint ${taint:-0}); log: $log" >&2
exit 0
