# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tables.awk: gen.c's tables.h from extract.awk's records of our header at
# the version checked (the main input) and at TAPI 3.1 (-v FULL=file), and
# the constants' names (-v CONSTS=file).
#
# Where a structure is smaller at this version than at 3.1, its members
# must be the first ones of its 3.1 form (TAPI only ever appended), and
# its size is mingw-w64's offset of the first member it lacks: such a
# structure, and any member of that type, get that expression.  Anything
# else is an error (exit 1), never left out.

function die(msg) { print "tables.awk: " msg > "/dev/stderr"; err = 1; exit 1 }

BEGIN {
	while ((getline l < FULL) > 0) {
		n = split(l, a, " ")
		if (a[1] == "field" && a[3] !~ /\./) {
			k = ++nfull[a[2]]
			full[a[2], k] = a[3]
		}
	}
	while ((getline l < CONSTS) > 0)
		consts[++nconsts] = l
}
$1 == "struct" { structs[++ns] = $2 }
$1 == "field" {
	S = $2; M = $3; dim = $4
	type = $5
	for (i = 6; i <= NF; i++)
		type = type " " $i
	nf++
	fs[nf] = S; fm[nf] = M; fdim[nf] = dim; ftype[nf] = type
	if (M !~ /\./) {
		k = ++ntop[S]
		top[S, k] = M
		last[S] = nf
	}
}
$1 == "typedef" {
	td[++nt] = $2
	tkind[nt] = $3
	ttarget[nt] = $4
	for (i = 5; i <= NF; i++)
		ttarget[nt] = ttarget[nt] " " $i
}
END {
	if (err)
		exit 1
	# the structures this version has fewer members of
	for (i = 1; i <= ns; i++) {
		S = structs[i]
		if (!(S in nfull))
			continue
		for (k = 1; k <= ntop[S]; k++)
			if (top[S, k] != full[S, k])
				die(S ": member " k " is " top[S, k] ", at 3.1 " full[S, k])
		if (ntop[S] < nfull[S])
			shortof[S] = full[S, ntop[S] + 1]
	}
	for (i = 1; i <= ns; i++) {
		S = structs[i]
		if (S in shortof)
			e = "offsetof(" S ", " shortof[S] ")"
		else if ((S in last) && (ftype[last[S]] in shortof)) {
			j = last[S]
			e = "offsetof(" S ", " fm[j] ") + " (fdim[j] ? fdim[j] : 1) \
			    " * offsetof(" ftype[j] ", " shortof[ftype[j]] ")"
		} else
			e = "sizeof(" S ")"
		expr[S] = e
		printf "STRUCT(%s, \"%s\");\n", S, e
	}
	for (j = 1; j <= nf; j++) {
		if (ftype[j] in shortof)
			e = (fdim[j] ? fdim[j] : 1) " * offsetof(" ftype[j] ", " \
			    shortof[ftype[j]] ")"
		else
			e = "sizeof(((" fs[j] " *)0)->" fm[j] ")"
		printf "FIELD(%s, %s, \"%s\");\n", fs[j], fm[j], e
	}
	for (i = 1; i <= nt; i++) {
		if (tkind[i] == "struct")
			printf "STYPE(%s, \"%s\");\n", td[i], expr[ttarget[i]]
		else if (tkind[i] == "ptr" && (ttarget[i] in expr))
			printf "PSTYPE(%s, \"%s\");\n", td[i], expr[ttarget[i]]
		else if (tkind[i] == "ptr" && ttarget[i] !~ /(^| )void$|^struct /)
			printf "PTYPE(%s);\n", td[i]
		else
			printf "TYPE(%s);\n", td[i]
	}
	for (i = 1; i <= nconsts; i++)
		printf "CONSTANT(%s);\n", consts[i]
}
