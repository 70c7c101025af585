/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * File names for image names. Image names come from containers and are untrusted:
 * the encoding below is injective, never yields a path separator, "." or "..", and
 * fits any file system's name limit, so a profile always lands inside its directory.
 */
#ifndef SC_NAMES_H
#define SC_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Longest encoded name kept as is; longer ones are cut and given a digest. */
#define SC_NAME_KEEP	160
/* Room for any result of image_file_name, NUL included (without the ".json"). */
#define SC_NAME_MAX	(SC_NAME_KEEP + 1 + 64 + 1)

/*
 * Encode @image as a file name (without extension):
 *  - a-z, 0-9, '-', '_' and '.' (not leading) are kept;
 *  - every other byte, including '/', ':', '@', '%', upper case and a leading '.',
 *    becomes %XX (two upper-case hex digits);
 *  - if the result is longer than SC_NAME_KEEP bytes, it is cut to SC_NAME_KEEP bytes
 *    and followed by '~' and the SHA-256 of the whole image name in hex. '~' is never
 *    produced by the rule above, so cut names cannot meet uncut ones.
 * "registry:5000/ns/img@sha256:ab" -> "registry%3A5000%2Fns%2Fimg%40sha256%3Aab".
 * An empty name encodes as "%00" (nothing else produces it).
 */
void image_file_name(const char *image, char out[SC_NAME_MAX]);

/*
 * The image name of file name @name (without ".json"), the reverse of the above; 0, or
 * -EINVAL for a cut name (only a digest is left of it) or one the encoding never gives.
 */
int image_name_of_file(const char *name, char *out, size_t len);

/* SHA-256 of @len bytes of @data (FIPS 180-4). */
void sc_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
