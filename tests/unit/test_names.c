// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * File names for image names (seccomp/filename.c): the injective encoding, names cut
 * and given a digest, and the SHA-256 behind that digest. The digest is checked
 * through the public sc_sha256() only, so these vectors check whichever
 * implementation is behind it.
 */
#include <ctype.h>
#include <stdlib.h>

#include "lib/util.h"
#include "seccomp/filename.h"
#include "test.h"

static void sha256_hex(const void *data, size_t len, char hex[65]);

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
	char out[SC_NAME_MAX], out2[SC_NAME_MAX], longname[600], name[32], want[66];
	size_t len;

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
	/* the cut name ends with '~' and the SHA-256 of the whole image name, upper-case hex */
	want[0] = '~';
	sha256_hex(longname, strlen(longname), want + 1);
	for (char *c = want; *c; c++)
		*c = toupper((unsigned char)*c);
	len = strlen(out2);
	ASSERT_STREQ(len >= 65 ? out2 + len - 65 : out2, want, "image_file_name_long_digest");
}

static void sha256_hex(const void *data, size_t len, char hex[65])
{
	uint8_t d[32];

	sc_sha256(data, len, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/*
 * Every padding case: 55 bytes (the length fits in the block), 56 and 63 (it does not:
 * a second block), 64 (exactly one block of data), and more than one block of data.
 */
static void test_sha256(void)
{
	static const struct {
		const char *name;
		const char *msg;	/* NULL: @len bytes of 'a' */
		size_t len;
		const char *hex;
	} cases[] = {
		/* FIPS 180-4 / NIST CSRC "SHA-256 example" vectors */
		{ "sha256_empty", "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "sha256_abc", "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "sha256_448_bits_two_blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "sha256_896_bits",
		  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
		{ "sha256_million_a", NULL, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
		/*
		 * n bytes of 'a', digests from GNU coreutils sha256sum:
		 *	head -c $n /dev/zero | tr '\0' a | sha256sum
		 */
		{ "sha256_55_bytes", NULL, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ "sha256_56_bytes", NULL, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ "sha256_63_bytes", NULL, 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ "sha256_64_bytes", NULL, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ "sha256_65_bytes", NULL, 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ "sha256_119_bytes", NULL, 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ "sha256_120_bytes", NULL, 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};
	char hex[65], *buf = malloc(1000000);

	if (!SETUP_OK(buf, "sha256_million_a", "no memory for 10^6 bytes"))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].msg)
			memcpy(buf, cases[i].msg, cases[i].len);
		else
			memset(buf, 'a', cases[i].len);
		sha256_hex(buf, cases[i].len, hex);
		ASSERT_STREQ(hex, cases[i].hex, cases[i].name);
	}
	/*
	 * The image name image_file_name_long digests, 599 bytes: 'a' x 300, 'b', 'a' x 298;
	 * python3 -c "import sys; sys.stdout.write('a'*300+'b'+'a'*298)" | sha256sum
	 */
	memset(buf, 'a', 599);
	buf[300] = 'b';
	sha256_hex(buf, 599, hex);
	ASSERT_STREQ(hex, "0a6f344f1f6176253f5792b8cea5994f13f74049c6b108abe035a57bae1aedbd", "sha256_multiblock");
	free(buf);
}

/* image_name_of_file() is the inverse of the encoding, and accepts nothing else */
static void test_image_name_of_file(void)
{
	static const char *const names[] = { "localhost/bb:1", "../../etc/passwd", "..", ".", "A", "a%41", "",
					     "registry:5000/ns/img@sha256:ab", "x\"y\\z\n" };
	static const char *const bad[] = { "A", "%2", "%zz", "a~0123", "%2e", "%2E.%2f" };
	char enc[SC_NAME_MAX], dec[SC_NAME_MAX], name[48];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		image_file_name(names[i], enc);
		snprintf(name, sizeof(name), "image_name_of_file_%zu", i);
		ASSERT_MSG(image_name_of_file(enc, dec, sizeof(dec)) == 0 && !strcmp(dec, names[i]), name,
			   "\"%s\" -> \"%s\" -> \"%s\"", names[i], enc, dec);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "image_name_of_file_refuses_%zu", i);
		ASSERT_MSG(image_name_of_file(bad[i], dec, sizeof(dec)) == -EINVAL, name, "\"%s\" accepted", bad[i]);
	}
}

void test_names(void)
{
	test_image_file_name();
	test_image_name_of_file();
	test_sha256();
}
