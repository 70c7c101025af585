// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * File names for image names (seccomp/filename.c): the injective encoding, names cut
 * and given a digest, and the SHA-256 behind that digest.
 */
#include <stdlib.h>

#include "lib/util.h"
#include "seccomp/filename.h"
#include "test.h"

static void test_image_file_name(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "localhost/bb:1", "localhost%2Fbb%3A1" },
		{ "../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd" },
		{ "..", "%2E." },
		{ ".", "%2E" },
		{ "/abs", "%2Fabs" },
		{ "A", "%41" },
		{ "a%41", "a%2541" },
		{ "", "%00" },
		{ "registry:5000/ns/img@sha256:ab", "registry%3A5000%2Fns%2Fimg%40sha256%3Aab" },
	};
	char out[SC_NAME_MAX], out2[SC_NAME_MAX], longname[600], name[32];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		image_file_name(cases[i].in, out);
		snprintf(name, sizeof(name), "image_file_name_%zu", i);
		ASSERT_MSG(!strcmp(out, cases[i].out), name, "\"%s\" -> \"%s\", expected \"%s\"", cases[i].in, out,
			   cases[i].out);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	image_file_name(longname, out);
	longname[300] = 'b';
	image_file_name(longname, out2);
	ASSERT_MSG(strlen(out) < 250 && strchr(out, '~') && strcmp(out, out2), "image_file_name_long",
		   "%zu bytes: %s", strlen(out), out);
}

static void sha256_hex(const void *data, size_t len, char hex[65])
{
	uint8_t d[32];

	sc_sha256(data, len, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void)
{
	char hex[65], msg[600];
	uint8_t d[32];

	/* FIPS 180-2 test vector */
	sha256_hex("abc", 3, hex);
	ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256_abc");
	memset(msg, 'a', 599);
	msg[300] = 'b';
	sc_sha256(msg, 599, d);	/* several blocks */
	ASSERT_TRUE(d[0] || d[1], "sha256_multiblock");
}

void test_names(void)
{
	test_image_file_name();
	test_sha256();
}
