# SPDX-License-Identifier: LGPL-2.1-or-later
#
# extract.awk: the declarations of a TAPI header, read from the compiler's
# preprocessed output (cc -E, with its line markers), for check-header.sh.
# Only lines from files whose path matches KEEP (awk -v KEEP=regex) count.
# Prints one record a line:
#   struct NAME                 a typedef'd structure or union
#   field NAME PATH DIM TYPE    a member (PATH a.b for nested ones, DIM 0
#                               for a scalar; a nested struct or union
#                               itself has TYPE "{}")
#   typedef NAME KIND [TARGET]  every typedef name: KIND "struct" (the
#                               structure's own name), "ptr" (a pointer
#                               to TARGET), "func" (a function pointer),
#                               "scalar"
# It knows the layout both headers use after preprocessing: one member
# a line, nested structs and unions opened by "struct {"/"union {" and
# closed by "} NAME;" or "};", a typedef ended by "} NAME, *LPNAME;".

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

# The typedef names of "} A, *B;" or "X A, *B;" declarators.
function declarators(s, kind, target,    n, parts, i, d, p) {
	n = split(s, parts, ",")
	for (i = 1; i <= n; i++) {
		d = trim(parts[i])
		p = (d ~ /^\*/)
		gsub(/[*]/, "", d)
		d = trim(d)
		sub(/\[.*/, "", d)
		if (d == "")
			continue
		if (p)
			print "typedef", d, "ptr", target
		else
			print "typedef", d, kind, target
	}
}

/^# [0-9]+ "/ {
	f = $3
	gsub(/"/, "", f)
	keep = (f ~ KEEP)
	next
}
!keep { next }
{
	line = $0
	gsub(/__extension__/, "", line)
	line = trim(line)
	if (line == "")
		next
}
# The start of a typedef'd struct or union.
depth == 0 && line ~ /^typedef (struct|union)( [A-Za-z_0-9]+)? *\{$/ {
	depth = 1
	npath = 0
	nf = 0
	next
}
# Other typedefs at file level: one statement, possibly over lines.
depth == 0 && (line ~ /^typedef / || stmt != "") {
	stmt = stmt " " line
	if (stmt !~ /;[ \t]*$/)
		next
	s = trim(stmt)
	stmt = ""
	sub(/^typedef /, "", s)
	sub(/;$/, "", s)
	if (s ~ /\(/) {
		# a function pointer: "RET (ATTR *NAME)(ARGS)"
		name = s
		sub(/^[^(]*\([^*]*\*[ \t]*/, "", name)
		sub(/\).*/, "", name)
		print "typedef", trim(name), "func"
		next
	}
	# "BASE A, *B": BASE is all words before the first declarator
	first = s
	sub(/,.*/, "", first)
	nw = split(first, w, /[ \t]+/)
	base = ""
	for (i = 1; i < nw; i++)
		base = base (i > 1 ? " " : "") w[i]
	rest = w[nw]
	tail = s
	if (index(tail, ",") > 0)
		sub(/^[^,]*/, "", tail)
	else
		tail = ""
	declarators(rest tail, "scalar", base)
	next
}
depth == 0 { next }
# Inside a structure.
line ~ /^(struct|union) *\{$/ {
	depth++
	openat[depth] = nf + 1
	next
}
line ~ /^\}/ && depth > 1 {
	rest = line
	sub(/^\}[ \t]*/, "", rest)
	sub(/;$/, "", rest)
	rest = trim(rest)
	if (rest != "") {
		# the members since the open get this name in front
		for (i = openat[depth]; i <= nf; i++)
			fld[i] = rest "." fld[i]
		fld[++nf] = rest " 0 {}"
	}
	depth--
	next
}
line ~ /^\}/ && depth == 1 {
	rest = line
	sub(/^\}[ \t]*/, "", rest)
	sub(/;$/, "", rest)
	name = trim(rest)
	sub(/,.*/, "", name)
	name = trim(name)
	print "struct", name
	for (i = 1; i <= nf; i++) {
		split(fld[i], a, " ")
		print "field", name, fld[i]
	}
	declarators(rest, "struct", name)
	depth = 0
	next
}
{
	# a member: "TYPE WORDS NAME[DIM];"
	m = line
	sub(/;$/, "", m)
	nw = split(m, w, /[ \t]+/)
	mname = w[nw]
	type = ""
	for (i = 1; i < nw; i++)
		type = type (i > 1 ? " " : "") w[i]
	dim = 0
	if (mname ~ /\[/) {
		dim = mname
		sub(/^[^[]*\[/, "", dim)
		sub(/\].*/, "", dim)
		sub(/\[.*/, "", mname)
	}
	fld[++nf] = mname " " dim " " type
	next
}
