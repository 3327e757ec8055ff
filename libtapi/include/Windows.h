/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Windows.h: <windows.h> as Windows code often spells it.  A file, not a
 * symbolic link: clang's -Wnonportable-include-path takes a link whose
 * target differs in case for a misspelt include.
 */
#include "windows.h"
