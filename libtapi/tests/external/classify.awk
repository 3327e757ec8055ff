# SPDX-License-Identifier: LGPL-2.1-or-later
#
# classify.awk: the two passes of check-external.sh over the diagnostics of
# one translation unit built against libtapi's headers (the input).
#
#   -v mode=names     prints the candidate names of every error: the names
#                     its message quotes and those on its source line
#   -v mode=classify  prints one line per error: CLASS NAME FILE:LINE: MSG
#                     (CLASS a, b, c, win64 or x: check-external.sh), then
#                     one line per header that libtapi's build did not find
#     needs -v ourinc (our include folder), mingwinc, notbase
#     (not-base.txt), where ("NAME FILE" of mingw-w64's definitions),
#     missing (the names mingw-w64 declares and ours does not), hdr (how
#     compile() found each header), win (the Windows build's diagnostics),
#     knownf (the names our headers declare)

function normalize(f) {
	sub(/^.*\.(ours|mingw)\.map\//, "MAP/", f)
	return f
}

# Splits a diagnostic into E["file"], E["line"], E["msg"]; 0 if it is no error.
function parse(s,    m) {
	if (!match(s, /^[^:]+:[0-9]+:([0-9]+:)? (fatal )?error: /))
		return 0
	m = substr(s, 1, RLENGTH)
	E["msg"] = substr(s, RLENGTH + 1)
	E["file"] = substr(m, 1, index(m, ":") - 1)
	m = substr(m, index(m, ":") + 1)
	E["line"] = substr(m, 1, index(m, ":") - 1) + 0
	return 1
}

# The source line LINE of FILE, without strings, characters and comments.
function source(file, line,    l, n) {
	if (!(file in loaded)) {
		loaded[file] = 1
		n = 0
		while ((getline l < file) > 0)
			src[file, ++n] = l
		close(file)
	}
	l = src[file, line]
	gsub(/"([^"\\]|\\.)*"/, " ", l)
	gsub(/'([^'\\]|\\.)*'/, " ", l)
	sub(/\/\/.*/, "", l)
	gsub(/\/\*([^*]|\*[^\/])*\*\//, " ", l)
	return l
}

# Fills Q[] with the names MSG quotes and L[] with those on the line.
function candidates(    s, t) {
	delete Q
	delete L
	s = E["msg"]
	sub(/; did you mean '[^']*'\?/, "", s)
	while (match(s, /'[A-Za-z_][A-Za-z0-9_]*'/)) {
		Q[substr(s, RSTART + 1, RLENGTH - 2)] = 1
		s = substr(s, RSTART + RLENGTH)
	}
	s = source(E["file"], E["line"])
	while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
		t = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		L[t] = 1
	}
}

function glob2re(g) {
	gsub(/\./, "\\.", g)
	gsub(/\*/, ".*", g)
	gsub(/\?/, ".", g)
	return "^" g "$"
}

# Class c when not-base.txt lists NAME or (the header) PATH.
function is_notbase(name, path,    i, rel, bn) {
	rel = path
	if (index(rel, mingwinc "/") == 1)
		rel = substr(rel, length(mingwinc) + 2)
	bn = rel
	sub(/.*\//, "", bn)
	for (i = 1; i <= nnb; i++) {
		if (nbkind[i] == "name" && name != "" && name ~ nbre[i])
			return 1
		if (nbkind[i] == "header" && path != "" && (rel ~ nbre[i] || bn ~ nbre[i]))
			return 1
	}
	return 0
}

function rank(c) {
	return c == "a" ? 3 : c == "b" ? 2 : 1
}

# The class of a missing NAME, by the header mingw-w64 defines it in.
function is_base(name,    i) {
	for (i = 1; i <= nnb; i++)
		if (nbkind[i] == "base" && name ~ nbre[i])
			return 1
	return 0
}

# The class of a missing NAME: a "base" entry of not-base.txt makes it b,
# a "name" entry c; then a name of tapi.h is a, and a header entry makes
# it c; anything else of mingw-w64's is b.
function name_class(name,    f, b, i) {
	f = (name in def) ? def[name] : ""
	b = f
	sub(/.*\//, "", b)
	if (is_base(name))
		return "b"
	for (i = 1; i <= nnb; i++)
		if (nbkind[i] == "name" && name ~ nbre[i])
			return "c"
	if (b == "tapi.h")
		return "a"
	if (is_notbase(name, f))
		return "c"
	return "b"
}

function consider(n,    c) {
	if (!(n in miss))
		return
	c = name_class(n)
	if (!found || rank(c) > rank(bestc)) {
		best = n
		bestc = c
	}
	found = 1
}

# The best missing name of Q (which "Q") or L: best and bestc; 1 if any.
function pick(which,    n) {
	found = 0
	if (which == "Q") {
		for (n in Q)
			consider(n)
	} else {
		for (n in L)
			consider(n)
	}
	return found
}

function base(f) {
	sub(/.*\//, "", f)
	return f
}

BEGIN {
	if (mode == "classify") {
		while ((getline l < notbase) > 0) {
			if (l ~ /^[ \t]*(#|$)/)
				continue
			split(l, w, /[ \t]+/)
			if (w[1] != "header" && w[1] != "name" && w[1] != "base")
				continue
			nnb++
			nbkind[nnb] = w[1]
			nbre[nnb] = w[1] == "header" ? glob2re(w[2]) : "^(" w[2] ")$"
		}
		while ((getline l < where) > 0) {
			split(l, w, " ")
			def[w[1]] = w[2]
		}
		while ((getline l < missing) > 0)
			miss[l] = 1
		while ((getline l < knownf) > 0)
			known[l] = 1
		while ((getline l < win) > 0)
			if (parse(l))
				winline[normalize(E["file"]) ":" E["line"]] = 1
	}
}

{
	if (!parse($0))
		next
	candidates()
	if (mode == "names") {
		for (n in Q)
			print n
		for (n in L)
			print n
		next
	}
	if (E["msg"] ~ /No such file or directory$/)
		next		# the headers are counted below, from hdr
	where_ = normalize(E["file"]) ":" E["line"] ": " E["msg"]
	if (index(E["file"], ourinc "/") == 1) {
		print (base(E["file"]) == "tapi.h" ? "a" : "b"), "in:" base(E["file"]), where_
		next
	}
	# Inside the C library's headers (glibc's, GCC's): the program has
	# redefined one of its names, as MSVC's runtime has them.
	if (E["file"] ~ /^\/usr\/(include|lib\/gcc)\//) {
		print "c", "libc:" base(E["file"]), where_
		next
	}
	if (pick("Q") || pick("L")) {
		print bestc, best "@" base(def[best]), where_
		if (bestc == "c")
			cline[E["file"], E["line"]] = best
		if (bestc == "c" && E["msg"] ~ /unknown type name|does not name a type|not declared in this scope|undeclared|has not been declared/)
			taint(best)
		next
	}
	if ((normalize(E["file"]) ":" E["line"]) in winline) {
		print "win64", "-", where_
		next
	}
	# Decided at the end: a consequence of a class c error, or x.
	nx++
	xwhere[nx] = where_
	xids[nx] = ""
	xfile[nx] = E["file"]
	xline[nx] = E["line"]
	xsyntax[nx] = E["msg"] ~ /^expected /
	for (n in Q)
		xids[nx] = xids[nx] " " n
	for (n in L)
		xids[nx] = xids[nx] " " n
}

# A declaration with a type that libtapi does not have (class c) leaves
# what it declares (variables, a function whose prototype it is) without a
# type: errors that use them later are its consequences.  Taints the
# program's names on the error's line.
function taint(name,    s, t) {
	s = source(E["file"], E["line"])
	while (match(s, /[A-Za-z_][A-Za-z0-9_]*/)) {
		t = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		if (!(t in miss) && !(t in known))
			tainted[t] = name
	}
}

END {
	if (mode != "classify")
		exit
	for (i = 1; i <= nx; i++) {
		k = split(xids[i], w, " ")
		c = ""
		for (j = 1; j <= k && c == ""; j++)
			if (w[j] in tainted)
				c = w[j]
		if (c != "") {
			print "c", "after:" tainted[c] "(" c ")", xwhere[i]
			continue
		}
		# A syntax error a few lines after a class c error (a declaration
		# over several lines with a keyword or type that is not ours).
		for (j = 1; j <= 10 && c == ""; j++)
			if ((xfile[i], xline[i] - j) in cline)
				c = cline[xfile[i], xline[i] - j]
		if (xsyntax[i] && c != "")
			print "c", "after:" c, xwhere[i]
		else
			print "x", "-", xwhere[i]
	}
	while ((getline l < hdr) > 0) {
		split(l, w, " ")
		h = w[2]
		gsub(/\\/, "/", h)
		lh = tolower(base(h))
		if (w[1] == "spelling")
			print (lh == "tapi.h" ? "a" : "b"), "#include:" w[2], tu ": <" w[2] "> spelt so (" lang ")"
		else if (w[1] == "stub-windows")
			print (is_notbase("", mingwinc "/" w[3]) ? "c" : "b"), "#include:" base(w[3]), tu ": <" w[2] "> is Windows', not libtapi's (" lang ")"
		else if (w[1] == "stub-foreign")
			print (is_notbase("", w[2]) ? "c" : "win64"), "#include:" base(h), tu ": <" w[2] "> is in neither (" lang ")"
		else if (w[1] == "unresolved")
			print "x", "#include:" base(h), tu ": <" w[2] "> could not be made (" lang ")"
	}
}
