// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Text the kernel and the runtimes give: /proc/self/mountinfo (the cgroup v2 mount),
 * cgroup paths (container ids), image references (normalized as the engines do), image
 * file names and metric labels (decoded back to names, which must encode to the same),
 * pod names (the workload inferred from them) and SeccompProfile object names.
 */
#include "fuzz.h"
#include "census/metrics.h"
#include "census/runtime.h"
#include "record/cgroup.h"
#include "seccomp/crd.h"
#include "seccomp/filename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[PATH_MAX];
	char mnt[PATH_MAX], id[SC_CTR_ID_LEN + 1], norm[512], name[SC_NAME_MAX], enc[SC_NAME_MAX], label[4200];
	char wl[256], crd[SC_CRD_NAME_MAX];
	char *s = fuzz_str(data, size);

	sc_verbose = -1;
	if (!path[0])
		snprintf(path, sizeof(path), "%s/mountinfo", fuzz_dir());
	fuzz_write(path, data, size);
	cgroup__v2_mount_from(path, mnt, sizeof(mnt));
	if (runtime__container_id(s, id) && strlen(id) != SC_CTR_ID_LEN)
		abort();	/* an id is always 64 hex digits */
	runtime__normalize_image(s, norm, sizeof(norm));
	/* a file name that decodes is exactly what the name encodes to */
	if (strlen(s) < SC_NAME_MAX && image_name_of_file(s, name, sizeof(name)) == 0) {
		image_file_name(name, enc);
		if (strcmp(enc, s))
			abort();
	}
	image_file_name(s, enc);
	if (strlen(enc) >= SC_NAME_MAX || strchr(enc, '/') || !strcmp(enc, ".") || !strcmp(enc, ".."))
		abort();	/* a profile always lands inside its directory */
	metrics__label_decode(s, label, sizeof(label));
	/* a workload is a prefix of the pod's name, behind its kind */
	if (runtime__workload(s, wl, sizeof(wl)) == 0 && !strstr(s, strchr(wl, '/') ? strchr(wl, '/') + 1 : wl))
		abort();
	/* an object name the API server takes: [a-z0-9-], at most 253 bytes, no '-' at either end */
	crd__name(s, crd);
	if (!crd[0] || strlen(crd) > 253 || strspn(crd, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(crd) ||
	    crd[0] == '-' || crd[strlen(crd) - 1] == '-')
		abort();
	free(s);
	return 0;
}
