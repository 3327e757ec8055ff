#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""analyze.py SYMS BASE.tb RUN.tb N: kernel instructions per operation by
function: (RUN - BASE) / N, translation blocks attributed to the symbol of
/proc/kallsyms (lines "KSYM ADDR TYPE NAME" in the console log SYMS) they
start in, then grouped."""
import bisect, collections, re, sys

def syms(log):
    s = []
    for l in open(log, errors='replace'):
        m = re.match(r'KSYM ([0-9a-f]+) ([tT]) (\S+)', l.strip())
        if m:
            s.append((int(m.group(1), 16), m.group(3)))
    s.sort()
    return s

def prof(tb, s, addrs):
    c = collections.Counter()
    for l in open(tb):
        va, n, cnt = l.split()
        i = bisect.bisect_right(addrs, int(va, 16)) - 1
        c[s[i][1] if i >= 0 else '?'] += int(n) * int(cnt)
    return c

def group(k):
    if k.startswith('ktapi_'):
        return 'ktapi'
    if k.startswith(('xas_', 'xa_', '__xa')):
        return 'xarray'
    if re.search(r'kmem_cache|slab|memcg|obj_cgroup|obj_stock', k):
        return 'slab and memcg'
    if re.search(r'copy|strscpy|memset|memcpy|get_user|put_user', k):
        return 'copies'
    if re.search(r'lock|rcu|preempt', k):
        return 'locks and RCU'
    if re.search(r'ktime|clock|tsc', k):
        return 'time'
    return 'system call, fd, LSM, other'

s = syms(sys.argv[1])
addrs = [a for a, _ in s]
base, run, n = prof(sys.argv[2], s, addrs), prof(sys.argv[3], s, addrs), float(sys.argv[4])
d = {k: (run[k] - base[k]) / n for k in set(base) | set(run)}
print('kernel instructions per operation: %.1f' % sum(d.values()))
g = collections.Counter()
for k, v in d.items():
    g[group(k)] += v
for k, v in g.most_common():
    print('  %8.1f  %s' % (v, k))
# A negative one ran more in the baseline's boot than in this one: work
# the kernel does on its own time (timekeeping, deferred work), noise.
print('functions (>= 2, or <= -2: noise):')
for k, v in sorted(d.items(), key=lambda x: -x[1]):
    if abs(v) >= 2:
        print('  %8.1f  %s' % (v, k))
