/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tapi_eventmode: the same call, one application calling itself from
 * line device 0 to device 1 (twolines.h), with each of TAPI's ways of
 * delivering messages:
 *
 *   getmessage  lineInitializeEx USEEVENT, lineGetMessage with a timeout;
 *   event       lineInitializeEx USEEVENT, WaitForSingleObject(hEvent),
 *               then lineGetMessage(0) until the queue is empty;
 *   hidden      lineInitializeEx USEHIDDENWINDOW: the callback, always on
 *               one thread of the library, which makes the requests
 *               (lineAnswer, lineDrop) from inside the callback;
 *   init        lineInitialize (TAPI 1.x), the callback too.
 *
 * Usage: tapi_eventmode [MODE...]   (default: all four, in this order)
 * Prints "eventmode: MODE: ok" for each mode that went as TAPI says.
 */
#include <windows.h>
#include <tapi.h>
#include "twolines.h"

static BOOL run_mode(enum tl_mode mode)
{
	int before = tt_failed;
	BOOL ok;

	if (!tl_init(mode, "tapi-eventmode"))
		return FALSE;
	ok = tl_open(0, 1) && tl_call("1001", FALSE, TRUE, 20);
	/* Nothing may come after both calls are IDLE and deallocated. */
	tl_drain(300);
	ok &= tl_end(TRUE);
	return ok && tt_failed == before;
}

int main(int argc, char **argv)
{
	static const enum tl_mode all[] = {
		TL_GETMESSAGE, TL_EVENT, TL_HIDDEN, TL_INIT
	};
	int i, j, n = 0;

	tt_setup("eventmode");
	for (i = 1; i < argc || (argc == 1 && i <= 4); i++) {
		enum tl_mode mode = all[(i - 1) % 4];

		if (argc > 1) {
			for (j = 0; j < 4; j++) {
				if (!strcmp(argv[i], tl_mode_names[j]))
					break;
			}
			if (j == 4) {
				TT_FAIL("unknown mode %s", argv[i]);
				continue;
			}
			mode = (enum tl_mode)j;
		}
		TT_PRINTF("%s: start", tl_mode_names[mode]);
		if (run_mode(mode)) {
			TT_PRINTF("%s: ok", tl_mode_names[mode]);
			n++;
		} else {
			TT_FAIL("%s", tl_mode_names[mode]);
		}
	}
	TT_PRINTF("%s", tt_failed ? "FAILED" : "done");
	return tt_failed || !n ? 1 : 0;
}
