// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscensus unload: remove the agent's pinned recorder. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "lib/paths.h"
#include "lib/util.h"
#include "record/recorder.h"

int cmd_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir = SC_DEFAULT_PIN_DIR;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			dir = optarg;
			break;
		case 'h':
			printf("Usage: syscensus unload [--pin-dir DIR]\n"
			       "Remove the agent's pinned recorder: counting stops once no agent holds it.\n\n"
			       "  --pin-dir DIR  the agent's bpffs directory (default " SC_DEFAULT_PIN_DIR ")\n\n"
			       "Exit status: 0 removed, or nothing was pinned; 1 the pins could not be removed;\n"
			       "2 usage error.\n");
			return SC_EXIT_OK;
		default:
			return SC_EXIT_USAGE;
		}
	}
	if (access(dir, F_OK) < 0) {
		sc_info("nothing pinned in %s", dir);
		return SC_EXIT_OK;
	}
	err = recorder__unpin(dir);
	if (err) {
		sc_err("cannot remove %s: %s", dir, strerror(-err));
		return SC_EXIT_FAIL;
	}
	sc_info("removed the pinned recorder in %s", dir);
	return SC_EXIT_OK;
}
