// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The unit-test runner: no privileges needed. Runs every area (one file each under
 * tests/unit/), counts the results of test.h's assertions and ends with the line
 * "unit: N passed, N failed, N skipped" that tests/run parses.
 *
 *	build/tests/unit [FIXTURES [AREA...]]	# e.g. build/tests/unit tests/fixtures filter
 */
#include <stdarg.h>
#include <stdlib.h>

#include "seccomp/syscalls.h"
#include "test.h"

const char *test_fixtures = "tests/fixtures";
static int passed, failed, skipped;

static const struct {
	const char *name;
	void (*fn)(void);
} areas[] = {
	{ "json", test_json },
	{ "profile", test_profile },
	{ "generate", test_generate },
	{ "syscalls", test_syscalls },
	{ "util", test_util },
	{ "cgroup", test_cgroup },
	{ "runtime", test_runtime },
	{ "names", test_names },
	{ "crd", test_crd },
	{ "census", test_census },
	{ "metrics", test_metrics },
	{ "filter", test_filter },
	{ "filter_kernel", test_filter_kernel },
};

bool test__result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		printf("%s: PASS\n", name);
		return true;
	}
	failed++;
	printf("%s: FAIL: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

bool test__setup(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	failed++;
	printf("%s: FAIL: setup: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

void test__skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	skipped++;
	printf("%s: SKIP: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void fmt_int(char *buf, size_t len, uint64_t v, bool is_signed)
{
	if (is_signed && (int64_t)v < 0)
		snprintf(buf, len, "%lld", (long long)v);
	else if (v > 9)
		snprintf(buf, len, "%llu (0x%llx)", (unsigned long long)v, (unsigned long long)v);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

bool test__int_eq(bool want_eq, const char *name, uint64_t act, bool act_signed, uint64_t exp,
		  bool exp_signed)
{
	/* by value: a negative signed number equals no unsigned one */
	bool act_neg = act_signed && (int64_t)act < 0, exp_neg = exp_signed && (int64_t)exp < 0;
	bool eq = act == exp && act_neg == exp_neg;
	char a[48], e[48];

	fmt_int(a, sizeof(a), act, act_signed);
	fmt_int(e, sizeof(e), exp, exp_signed);
	if (want_eq)
		return test__result(eq, name, "got %s, expected %s", a, e);
	return test__result(!eq, name, "got %s, expected anything else", a);
}

bool test__str_eq(const char *name, const char *act, const char *exp)
{
	bool eq = act && exp ? !strcmp(act, exp) : act == exp;

	return test__result(eq, name, "got %s%s%s, expected %s%s%s", act ? "\"" : "", act ? act : "NULL",
			    act ? "\"" : "", exp ? "\"" : "", exp ? exp : "NULL", exp ? "\"" : "");
}

bool test__has_substr(const char *name, const char *str, const char *sub)
{
	return test__result(str && strstr(str, sub), name, "got %s%s%s, expected it to contain \"%s\"",
			    str ? "\"" : "", str ? str : "NULL", str ? "\"" : "", sub);
}

static bool selected(int argc, char **argv, const char *area)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], area))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		test_fixtures = argv[1];
	/* one line per check, in order, even when children are forked or the run is killed */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		if (selected(argc, argv, areas[i].name))
			areas[i].fn();
	syscalls_cleanup();
	printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
