// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "seccomp/filename.h"

/* The digest of a cut name: nettle's SHA-256 (a well-kept implementation beats our own). */
void sc_sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

void image_file_name(const char *image, char out[SC_NAME_MAX])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	uint8_t d[32];

	if (!image[0]) {
		strcpy(out, "%00");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)image; *p; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
			    (*p == '.' && p != (const unsigned char *)image);
		size_t need = keep ? 1 : 3;

		if (n + need > SC_NAME_KEEP) {
			/* cut (never inside an escape) and name the whole by its digest */
			sc_sha256(image, strlen(image), d);
			out[n++] = '~';
			for (int i = 0; i < 32; i++) {
				out[n++] = hex[d[i] >> 4];
				out[n++] = hex[d[i] & 15];
			}
			out[n] = '\0';
			return;
		}
		if (keep) {
			out[n++] = *p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

int image_name_of_file(const char *name, char *out, size_t len)
{
	size_t n = 0;

	if (!strcmp(name, "%00")) {
		if (!len)
			return -ENAMETOOLONG;
		out[0] = '\0';
		return 0;
	}
	for (const char *p = name; *p; p++) {
		unsigned v;

		if (n + 1 >= len)
			return -ENAMETOOLONG;
		if (*p == '~')
			return -EINVAL;		/* cut: only the digest of the rest is left */
		if (*p != '%') {
			out[n++] = *p;
			continue;
		}
		if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
		    sscanf(p + 1, "%2x", &v) != 1 || !v)
			return -EINVAL;
		out[n++] = (char)v;
		p += 2;
	}
	out[n] = '\0';
	/* only what the encoding gives: "A.json" or "%61.json" are no image's file */
	{
		char again[SC_NAME_MAX];

		image_file_name(out, again);
		return strcmp(again, name) ? -EINVAL : 0;
	}
}
