/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libktapi internals, not installed.
 *
 * The library is built with -fvisibility=hidden; KTAPI_EXPORT marks the
 * definitions of the public API (libktapi.map lists the same names and
 * gives them their symbol versions: LIBKTAPI_0.1 for the first API,
 * LIBKTAPI_0.2 for what the providers added).
 */
#ifndef LIBKTAPI_INTERNAL_H
#define LIBKTAPI_INTERNAL_H

#define KTAPI_EXPORT __attribute__((visibility("default")))

#define KTAPI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* LIBKTAPI_INTERNAL_H */
