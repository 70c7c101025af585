/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unit-test assertions in the style of the kernel's test_progs. Each one prints
 * "name: PASS" or "name: FAIL: got X, expected Y" and returns whether it held, so it
 * doubles as a guard:
 *
 *	if (!ASSERT_OK_PTR(p, "profile: load"))
 *		goto out;
 *
 * A check that cannot run says so with SKIP(name, reason). main.c counts the three
 * outcomes and prints the closing line "unit: N passed, N failed, N skipped", which
 * tests/run parses.
 */
#ifndef SC_TEST_H
#define SC_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "seccomp/filter.h"
#include "seccomp/profile.h"

/* The fixtures directory (argv[1], "tests/fixtures" by default). */
extern const char *test_fixtures;

/* Count and print one result; @fmt says what was wrong when !@ok. Returns @ok. */
bool test__result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool test__setup(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test__skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Integers of any width and signedness, compared by value: -1 is not UINT64_MAX. */
bool test__int_eq(bool ok, const char *name, uint64_t act, bool act_signed, uint64_t exp,
		  bool exp_signed);
bool test__str_eq(const char *name, const char *act, const char *exp);
bool test__has_substr(const char *name, const char *str, const char *sub);

#define TEST__SIGNED(v) ((typeof(v))-1 < (typeof(v))1)

/* @actual == @expected, integers (bool, enum, any width, either signedness) */
#define ASSERT_EQ(actual, expected, name) ({					\
	typeof(actual) ___act = (actual);					\
	typeof(expected) ___exp = (expected);					\
	test__int_eq(true, (name), (uint64_t)___act, TEST__SIGNED(___act),	\
		     (uint64_t)___exp, TEST__SIGNED(___exp));			\
})

/* @actual != @expected */
#define ASSERT_NEQ(actual, expected, name) ({					\
	typeof(actual) ___act = (actual);					\
	typeof(expected) ___exp = (expected);					\
	test__int_eq(false, (name), (uint64_t)___act, TEST__SIGNED(___act),	\
		     (uint64_t)___exp, TEST__SIGNED(___exp));			\
})

/* strings, NULL-safe: NULL equals only NULL */
#define ASSERT_STREQ(actual, expected, name) test__str_eq((name), (actual), (expected))

/* @str contains @sub (error messages: the file, the JSON path, the reason) */
#define ASSERT_HAS_SUBSTR(str, sub, name) test__has_substr((name), (str), (sub))

/* 0 or -errno convention: 0 passes */
#define ASSERT_OK(err, name) ({							\
	long long ___err = (err);						\
	test__result(___err == 0, (name), "got error %lld%s%s%s", ___err,	\
		     ___err < 0 && ___err > -4096 ? " (" : "",			\
		     ___err < 0 && ___err > -4096 ? strerror(-___err) : "",	\
		     ___err < 0 && ___err > -4096 ? ")" : "");			\
})

/* constructors return NULL and set errno */
#define ASSERT_OK_PTR(ptr, name) ({						\
	const void *___ptr = (ptr);						\
	int ___errno = errno;							\
	test__result(___ptr != NULL, (name), "got NULL (errno %d, %s)", ___errno,	\
		     strerror(___errno));					\
})

#define ASSERT_NULL(ptr, name) ({						\
	const void *___ptr = (ptr);						\
	test__result(___ptr == NULL, (name), "got %p, expected NULL", ___ptr);	\
})

#define ASSERT_TRUE(cond, name) test__result(!!(cond), (name), "got false, expected true: %s", #cond)
#define ASSERT_FALSE(cond, name) test__result(!(cond), (name), "got true, expected false: %s", #cond)

/*
 * A condition over several values, with a printf-style account of what was found
 * (the error text, the values): for checks no single comparison expresses.
 */
#define ASSERT_MSG(cond, name, ...) test__result(!!(cond), (name), __VA_ARGS__)

/*
 * A step the check @name needs (memory, a temp file, a fork), not a check itself:
 * silent when it works, a FAIL of @name saying "setup: ..." when it does not.
 */
#define SETUP_OK(cond, name, ...) test__setup(!!(cond), (name), __VA_ARGS__)

/* The check cannot run here; @... says why ("not installed", "no ia32 emulation"). */
#define SKIP(name, ...) test__skip((name), __VA_ARGS__)

/* Evaluation context of an x86_64 container on Linux 6.1 with capabilities @caps. */
struct sc_eval_ctx test_ctx_amd64(uint64_t caps);
/* A profile from JSON @text, named "t.json" in messages; NULL with @err filled. */
struct sc_profile *test_profile_text(const char *text, enum sc_unknown_policy u,
				     const struct sc_eval_ctx *ctx, char *err, size_t errlen);

/* test_filter.c: a profile with argument conditions of every kind, for x86_64 */
const char *test_verdict_profile(void);
/* Compile profile @text for x86_64 with @caps and export it: 0, or -errno with @err filled. */
int test_compile_text(const char *text, uint64_t caps, struct sc_filter *f, char *err, size_t errlen);

/* One area of the unit tests (one file each), run by main.c in table order. */
void test_json(void);
void test_profile(void);
void test_generate(void);
void test_syscalls(void);
void test_util(void);
void test_cgroup(void);
void test_runtime(void);
void test_names(void);
void test_crd(void);
void test_census(void);
void test_metrics(void);
void test_filter(void);
void test_filter_kernel(void);

#endif
