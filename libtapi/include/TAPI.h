/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TAPI.h: <tapi.h> as Windows code often spells it (Windows' file names are
 * case-insensitive).  A file, not a symbolic link, as Windows.h.
 */
#include "tapi.h"
