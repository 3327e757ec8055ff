/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * windows.h: the few Win32 base types and macros that TAPI programs use,
 * for libtapi on Linux.  Not Win32: no windows, no messages, no registry.
 *
 * It lives in libtapi's private include folder, which only
 * "pkg-config --cflags libtapi" adds (-I${includedir}/ktapi/tapi), so that
 * programs written for Windows find it as <windows.h> (and <Windows.h>, which
 * includes this file) and no other program ever sees it.
 *
 * What it defines, and why each differs from a naive Linux mapping:
 *  - the integer types keep their Windows widths on LP64 Linux: DWORD, LONG,
 *    ULONG, UINT and BOOL are 32-bit (int), as on Win64; only the *_PTR
 *    types, WPARAM and LPARAM follow the pointer's width, as on Windows;
 *  - WCHAR is 16-bit, as on Windows: char16_t in C++, unsigned short in C
 *    (C11's char16_t), so u"..." literals are WCHAR strings.  wchar_t and
 *    L"..." are 32-bit on Linux and are not WCHAR;
 *  - only the ANSI API: TCHAR is char and TEXT("x") is "x".  A program that
 *    defines UNICODE gets an #error: it would need L"..." to be 16-bit;
 *  - WINAPI, CALLBACK, APIENTRY are empty: there is one calling convention;
 *  - HANDLE is void *.  The HANDLE that lineInitializeEx returns for
 *    LINEINITIALIZEEXOPTION_USEEVENT holds a file descriptor, readable (poll
 *    POLLIN) while messages are queued; WaitForSingleObject() below waits
 *    for it, so the usual Windows loop (WaitForSingleObject, then
 *    lineGetMessage) runs unchanged.  TAPI_HANDLE_FD(h) gives the descriptor
 *    to programs that poll it themselves.  Never close it: lineShutdown does;
 *  - Sleep(ms) and WaitForSingleObject(h, ms) are static inline functions
 *    on poll(2); a program that defines its own Sleep or
 *    WaitForSingleObject cannot include this file.
 * _WIN32, _WINDOWS_ and WINVER are not defined: code that tests them is
 * asking for the real Win32, which this is not.
 */
#ifndef KTAPI_WINDOWS_H
#define KTAPI_WINDOWS_H

#ifdef UNICODE
#error "libtapi's <windows.h> has the ANSI API only: build without UNICODE"
#endif

/*
 * The ISO C headers that Windows' <windows.h> (mingw-w64's too) brings in,
 * which much Windows code relies on (calloc, free, va_list, isdigit, ...),
 * and poll.h and stdint.h for the functions below.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- calling conventions and qualifiers (one ABI on Linux) --- */
#define WINAPI
#define CALLBACK
#define APIENTRY
#define WINAPIV
#define CONST const
#define VOID void
/* The 16-bit era's qualifiers, still in much Windows code. */
#define FAR
#define NEAR
#define PASCAL
#define CDECL
#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

/* --- integers: Windows widths (LLP64 sizes on LP64 Linux) --- */
typedef unsigned char BYTE;
typedef unsigned short WORD;
typedef unsigned int DWORD;
typedef int LONG;
typedef unsigned int ULONG;
typedef int INT;
typedef unsigned int UINT;
typedef short SHORT;
typedef unsigned short USHORT;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef int BOOL;
typedef unsigned char BOOLEAN;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef unsigned long long DWORD64;
typedef float FLOAT;
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef unsigned short WCHAR;
#endif

/* Pointer-sized integers (intptr_t's width, 64-bit on LP64 and Win64). */
typedef long LONG_PTR;
typedef unsigned long ULONG_PTR;
typedef unsigned long DWORD_PTR;
typedef long INT_PTR;
typedef unsigned long UINT_PTR;
typedef ULONG_PTR SIZE_T;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

/* --- strings: ANSI only --- */
typedef CHAR *LPSTR, *PSTR;
typedef const CHAR *LPCSTR, *PCSTR;
typedef WCHAR *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef CHAR TCHAR;
typedef LPSTR LPTSTR;
typedef LPCSTR LPCTSTR;
#define __TEXT(s) s
#define TEXT(s) __TEXT(s)

/* --- pointers to the base types --- */
typedef void *LPVOID, *PVOID;
typedef const void *LPCVOID;
typedef BYTE *LPBYTE, *PBYTE;
typedef WORD *LPWORD, *PWORD;
typedef DWORD *LPDWORD, *PDWORD;
typedef LONG *LPLONG, *PLONG;
typedef BOOL *LPBOOL, *PBOOL;
typedef INT *LPINT, *PINT;
typedef UINT *LPUINT, *PUINT;
typedef ULONG *PULONG;
typedef USHORT *PUSHORT;
typedef UCHAR *PUCHAR;
typedef SHORT *PSHORT;
typedef FLOAT *PFLOAT;
typedef BOOLEAN *PBOOLEAN;
typedef LONGLONG *PLONGLONG;
typedef ULONGLONG *PULONGLONG;
typedef ULONGLONG DWORDLONG, *PDWORDLONG;
typedef DWORD64 *PDWORD64;
typedef LONG_PTR *PLONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef INT_PTR *PINT_PTR;
typedef UINT_PTR *PUINT_PTR;
typedef SIZE_T *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;

/* Sized integers (basetsd.h). */
typedef signed char INT8, *PINT8;
typedef signed short INT16, *PINT16;
typedef signed int INT32, *PINT32;
typedef signed long long INT64, *PINT64;
typedef unsigned char UINT8, *PUINT8;
typedef unsigned short UINT16, *PUINT16;
typedef unsigned int UINT32, *PUINT32;
typedef unsigned long long UINT64, *PUINT64;
typedef signed int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32;
typedef unsigned int DWORD32, *PDWORD32;
typedef long long LONG64, *PLONG64;
typedef unsigned long long ULONG64, *PULONG64;

/* Characters and strings (winnt.h), ANSI. */
typedef char CCHAR;
typedef char *PSZ;
typedef CHAR *PCHAR, *LPCH, *PCH, *NPSTR;
typedef const CHAR *LPCCH, *PCCH;
typedef WCHAR *PWCHAR, *LPWCH, *PWCH;
typedef const WCHAR *LPCWCH, *PCWCH;
typedef TCHAR *PTCHAR;
typedef unsigned char TBYTE, *PTBYTE;
typedef LPSTR PTSTR, LPTCH, PTCH;
typedef LPCSTR PCTSTR;

/* The limits of the base types (winnt.h's values and types). */
#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXBYTE 0xff
#define MAXWORD 0xffff
#define MAXDWORD 0xffffffff

/* --- handles --- */
typedef void *HANDLE;
typedef HANDLE *LPHANDLE, *PHANDLE;
/* Distinct pointer types, as Windows' DECLARE_HANDLE makes them. */
typedef struct HWND__ *HWND;
typedef struct HINSTANCE__ *HINSTANCE;
typedef struct HICON__ *HICON;
typedef HINSTANCE HMODULE;
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
/* The file descriptor in a HANDLE of libtapi (the USEEVENT event). */
#define TAPI_HANDLE_FD(h) ((int)(intptr_t)(h))

/* --- the structures TAPI's structures embed --- */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
	unsigned int Data1;
	unsigned short Data2;
	unsigned short Data3;
	unsigned char Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;

typedef struct _SYSTEMTIME {
	WORD wYear;
	WORD wMonth;
	WORD wDayOfWeek;
	WORD wDay;
	WORD wHour;
	WORD wMinute;
	WORD wSecond;
	WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

/* OLE's CURRENCY (a 64-bit fixed point number) and DATE (days, a double). */
typedef union tagCY {
#ifdef __GNUC__
	__extension__
#endif
	struct {
		ULONG Lo;
		LONG Hi;
	};
	LONGLONG int64;
} CY, CURRENCY;
typedef double DATE;

/* --- small macros of windef.h and winbase.h --- */
#define MAKEWORD(a, b) ((WORD)(((BYTE)((DWORD_PTR)(a) & 0xff)) | \
	((WORD)((BYTE)((DWORD_PTR)(b) & 0xff))) << 8))
#define MAKELONG(a, b) ((LONG)(((WORD)((DWORD_PTR)(a) & 0xffff)) | \
	((DWORD)((WORD)((DWORD_PTR)(b) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)((DWORD_PTR)(l) >> 16))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)((DWORD_PTR)(w) >> 8))
#define ZeroMemory(p, n) ((void)memset((p), 0, (n)))
#define FillMemory(p, n, c) ((void)memset((p), (c), (n)))
#define CopyMemory(d, s, n) ((void)memcpy((d), (s), (n)))
#define MoveMemory(d, s, n) ((void)memmove((d), (s), (n)))
#define WM_USER 0x0400

/* --- waiting --- */
#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0x00000000u
#define WAIT_ABANDONED 0x00000080u
#define WAIT_TIMEOUT 258 /* winerror.h: 258L, a signed 32-bit LONG */
#define WAIT_FAILED 0xFFFFFFFFu

/* poll(2)'s timeout for a Windows one: INFINITE and beyond INT_MAX wait. */
static inline int ktapi_win_timeout_(DWORD ms)
{
	return ms > (DWORD)INT_MAX ? -1 : (int)ms;
}

/*
 * Waits until the descriptor in h is readable (the USEEVENT event: a
 * message is queued) or dwMilliseconds pass (INFINITE: no limit).  Returns
 * WAIT_OBJECT_0, WAIT_TIMEOUT, or WAIT_FAILED (errno says why; a signal is
 * a failure, as an alertable wait's end is on Windows).
 */
static inline DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	struct pollfd pfd;
	int n;

	pfd.fd = TAPI_HANDLE_FD(hHandle);
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, ktapi_win_timeout_(dwMilliseconds));
	if (n < 0 || (n > 0 && (pfd.revents & POLLNVAL)))
		return WAIT_FAILED;
	return n ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
}

/* Sleeps dwMilliseconds (INFINITE: for ever); a signal ends it early. */
static inline void Sleep(DWORD dwMilliseconds)
{
	(void)poll(NULL, 0, ktapi_win_timeout_(dwMilliseconds));
}

#ifdef __cplusplus
}
#endif

#endif /* KTAPI_WINDOWS_H */
