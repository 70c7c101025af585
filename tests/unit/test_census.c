// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The census (census/census.c): folding counter deltas, counters that restart from
 * zero, the state file round trip and the state files refused, pruning.
 */
#include <stdlib.h>
#include <unistd.h>

#include "census/census.h"
#include "lib/util.h"
#include "test.h"

/* Write @text to @path and check that census__load() refuses it with @want. */
static void refuses(const char *name, const char *path, const char *text, int want)
{
	struct sc_census back;
	int ret = sc_write_file_atomic(path, text, strlen(text));

	if (!SETUP_OK(ret == 0, name, "writing %s: %s", path, strerror(-ret)))
		return;
	ret = census__load(&back, path);
	ASSERT_EQ(ret, want, name);
	if (!ret)
		census__free(&back);
}

/* calls census__fold() added, or -1 when it failed */
static int64_t fold_added(struct sc_live *l, const struct sc_slot_counts *cur, int64_t now)
{
	uint64_t added;

	return census__fold(l, cur, now, &added) ? -1 : (int64_t)added;
}

/* @doc's rules for @name that carry args, and whether @name is in the first (plain) rule. */
static int arg_rules_of(const cJSON *doc, const char *name, bool *plain)
{
	const cJSON *r, *x;
	int n = 0, i = 0;

	*plain = false;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "syscalls")) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");

		cJSON_ArrayForEach(x, names) {
			if (!cJSON_IsString(x) || strcmp(x->valuestring, name))
				continue;
			if (i == 0)
				*plain = true;
			else if (cJSON_GetObjectItemCaseSensitive(r, "args"))
				n++;
		}
		i++;
	}
	return n;
}

/*
 * The agent's argument values: kept per image (bounded), saved and read back, made into
 * rules for the profile's phase; an image loaded from a state file without them, or
 * with some calls counted without values, allows the names whatever their arguments.
 */
static void test_census_args(struct sc_census *c, const char *path)
{
	static const char old[] = "{\"format\":\"syscensus-state\",\"version\":1,\"images\":[{\"image\":\"a\","
				  "\"calls\":[[1,0,41,3,1,1]]}]}";
	struct sc_image *img = census__image(c, "localhost/args:1", true);
	struct sc_census back = {};
	struct sc_image *b;
	const char *note;
	bool plain = false;
	cJSON *doc;
	int n;

	if (!SETUP_OK(img != NULL, "census_args_setup", "no memory"))
		return;
	vec_get(&img->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, SC_NR_SOCKET), true)->count = 2;
	vec_get(&img->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, SC_NR_IOCTL), true)->count = 40;
	image__add_arg(img, SC_FILTERED, SC_NR_SOCKET, 2 | 1ULL << 32);	/* AF_INET, SOCK_STREAM */
	image__add_arg(img, SC_FILTERED, SC_NR_SOCKET, 2 | 1ULL << 32);	/* again: one value */
	image__add_arg(img, SC_UNFILTERED, SC_NR_SOCKET, 16 | 3ULL << 32);	/* the runtime's netlink, before */
	for (uint64_t v = 0; v < 40; v++)
		image__add_arg(img, SC_FILTERED, SC_NR_IOCTL, 0x5400 + v);
	ASSERT_EQ(img->n_argv, 2 + SC_IMAGE_ARG_VALUES, "census_args_bounded");
	doc = image__profile(img, &note);
	n = arg_rules_of(doc, "socket", &plain);
	ASSERT_MSG(n == 1 && !plain, "census_args_rule_for_profile_phase",
		   "socket: %d argument rules, %s; expected 1 (AF_INET only: the netlink socket was the runtime's), not plain",
		   n, plain ? "plain" : "not plain");
	n = arg_rules_of(doc, "ioctl", &plain);
	ASSERT_MSG(n == 0 && plain, "census_args_many_values_plain", "ioctl (40 values): %d rules, %s; expected plain",
		   n, plain ? "plain" : "not plain");
	cJSON_Delete(doc);
	if (census__save(c, path, 600) || census__load(&back, path)) {
		SETUP_OK(false, "census_args_save_load", "save or load failed");
		return;
	}
	b = census__image(&back, img->key, false);
	ASSERT_MSG(b && b->n_argv == img->n_argv && !b->args_partial, "census_args_save_load",
		   "%zu values back (partial %d), expected %zu", b ? b->n_argv : 0, b ? b->args_partial : -1, img->n_argv);
	census__free(&back);
	/* an older state file: no "args", so the values of its calls are not known */
	if (!sc_write_file_atomic(path, old, strlen(old)) && !census__load(&back, path)) {
		b = census__image(&back, "a", false);
		doc = b ? image__profile(b, &note) : NULL;
		n = arg_rules_of(doc, "socket", &plain);
		ASSERT_MSG(b && b->args_partial && plain && n == 0, "census_args_old_state_plain",
			   "partial %d, socket %s with %d rules; expected plain", b ? b->args_partial : -1,
			   plain ? "plain" : "not plain", n);
		cJSON_Delete(doc);
		census__free(&back);
	} else {
		SETUP_OK(false, "census_args_old_state_plain", "the older state file did not load");
	}
	refuses("census_args_refuses_other_syscall", path,
		"{\"format\":\"syscensus-state\",\"version\":1,\"images\":[{\"image\":\"a\",\"args\":[[1,0,5]]}]}",
		-EINVAL);
}

/*
 * Profiles follow image ids: a second name of an image's current id joins it; a name whose
 * tag moves to another id leaves with a copy of what was seen (its profile never loses a
 * call) and the lives of its containers; the names and the lives' names survive a save.
 */
static void test_census_aliases(const char *path)
{
	struct sc_census c = {}, back = {};
	struct sc_image *a, *b, *x, *k;
	struct sc_live *l;
	int err;

	a = census__attribute(&c, "localhost/app:1", "sha256:aa");
	b = census__attribute(&c, "localhost/app:latest", "sha256:aa");
	ASSERT_MSG(a && a == b && a->n_aliases == 1 && c.n_images == 1, "census_alias_same_id_one_image",
		   "%zu images, %zu aliases; expected one image with one alias", c.n_images, a ? a->n_aliases : 0);
	if (!a || a != b)
		goto out;
	vec_get(&a->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, 162), true)->count = 4;	/* sync */
	l = census__add_live(&c, 9, 3, "/libpod_parent/l", a, "");
	live__set_ref(l, "localhost/app:latest");
	ASSERT_TRUE(census__attribute(&c, "localhost/app:latest", NULL) == a, "census_alias_found_by_name");
	/* app:latest now names another image: it leaves, with what was seen, and its live */
	x = census__attribute(&c, "localhost/app:latest", "sha256:bb");
	ASSERT_MSG(x && x != a && !a->n_aliases && !strcmp(x->key, "localhost/app:latest") && l->img == x &&
		   vec_get(&x->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, 162), false) &&
		   !strcmp(x->ids[x->n_ids - 1], "sha256:bb"), "census_alias_moves_with_its_tag",
		   "expected app:latest on its own, sync kept, its live moved, current id sha256:bb");
	/* a third name of sha256:aa joins app:1; then app:1's own tag moves: the third name leaves */
	k = census__attribute(&c, "localhost/other:2", "sha256:aa");
	ASSERT_TRUE(k == a && a->n_aliases == 1, "census_alias_joins_current_id");
	k = census__attribute(&c, "localhost/app:1", "sha256:cc");
	x = census__image_named(&c, "localhost/other:2");
	ASSERT_MSG(k == a && !a->n_aliases && x && x != a && !strcmp(x->key, "localhost/other:2") &&
		   !strcmp(a->ids[a->n_ids - 1], "sha256:cc"), "census_key_moves_aliases_leave",
		   "expected app:1 on sha256:cc, other:2 an image of its own");
	if (!census__image_named(&c, "localhost/third:1"))
		image__add_alias(a, "localhost/third:1");
	err = census__save(&c, path, 700);
	if (!err)
		err = census__load(&back, path);
	x = err ? NULL : census__image_named(&back, "localhost/third:1");
	ASSERT_MSG(x && !strcmp(x->key, "localhost/app:1") && back.n_live == 1 && back.live[0]->ref &&
		   !strcmp(back.live[0]->ref, "localhost/app:latest"), "census_aliases_save_load",
		   "load %d: alias %s, live ref %s", err, x ? x->key : "not found",
		   back.n_live && back.live[0]->ref ? back.live[0]->ref : "-");
	if (!err)
		census__free(&back);
out:
	census__free(&c);
}

void test_census(void)
{
	struct sc_census c = {}, back = {};
	struct sc_slot_counts *cur = calloc(1, sizeof(*cur));
	char path[] = "/tmp/syscensus-unit-state.XXXXXX";
	int fd = mkstemp(path), err, lerr = -1;
	struct sc_image *img;
	struct sc_live *l;
	struct sc_vent *e;

	if (!cur || fd < 0) {
		SETUP_OK(false, "census_setup", "%s", !cur ? "no memory" : strerror(errno));
		free(cur);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return;
	}
	close(fd);
	img = census__image(&c, "localhost/x:1", true);
	image__add_container(img, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "n", 100);
	l = census__add_live(&c, 42, 7, "/libpod_parent/x", img, img->ctrs[0].id);
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 5;
	cur->n[SC_UNFILTERED][SC_ABI_NATIVE][165] = 1;	/* mount, before the filter */
	ASSERT_EQ(fold_added(l, cur, 100), 6, "census_fold_first");
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 9;
	ASSERT_EQ(fold_added(l, cur, 200), 4, "census_fold_delta");
	ASSERT_EQ(fold_added(l, cur, 300), 0, "census_fold_nothing_new");
	e = vec_get(&img->calls, SC_KEY(SC_FILTERED, SC_ABI_NATIVE, 0), false);
	ASSERT_MSG(e && e->count == 9 && e->first == 100 && e->last == 200, "census_counts_and_times",
		   "count %llu first %lld last %lld, expected 9 100 200", e ? (unsigned long long)e->count : 0ULL,
		   e ? (long long)e->first : 0LL, e ? (long long)e->last : 0LL);
	ASSERT_TRUE(image__confined(img), "census_confined");
	err = census__save(&c, path, 400);
	if (!err)
		lerr = census__load(&back, path);
	ASSERT_MSG(!err && !lerr && back.n_images == 1 && back.n_live == 1 && back.live[0]->slot == 7 &&
		   back.live[0]->folded.n == 2 && back.images[0]->calls.n == 2 && back.images[0]->n_ctrs == 1 &&
		   back.saved == 400, "census_save_load", "save %d, load %d", err, lerr);
	/*
	 * The sums are modulo 2^32: read in steps of less than 2^31 calls, they wrap past
	 * 2^32 and every difference is still exact (9 -> 0x7ffffff0 -> 0xffffffe0 -> 3).
	 * A read 2^16 behind the last one (between a 16-bit counter's wrap and its carry)
	 * adds nothing, and the next read adds exactly what happened since.
	 */
	memset(cur, 0, sizeof(*cur));
	if (!lerr && back.n_live) {
		uint64_t sum = 0;

		cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 0x7ffffff0;
		sum += fold_added(back.live[0], cur, 500);
		cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 0xffffffe0;
		sum += fold_added(back.live[0], cur, 501);
		cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 3;
		sum += fold_added(back.live[0], cur, 502);
		ASSERT_EQ(sum, 0x100000000LL - 9 + 3, "census_fold_across_32bit_wrap");
		cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = (uint32_t)(3 - 0x10000 + 5);	/* behind by 2^16, 5 new */
		ASSERT_EQ(fold_added(back.live[0], cur, 503), 0, "census_fold_read_behind_adds_nothing");
		cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 3 + 5;
		ASSERT_EQ(fold_added(back.live[0], cur, 504), 5, "census_fold_after_read_behind_exact");
	} else {
		SETUP_OK(false, "census_fold_across_32bit_wrap", "the saved state did not load back");
	}
	if (!lerr)
		census__free(&back);
	test_census_args(&c, path);
	test_census_aliases(path);
	/*
	 * A syscall first made at 250, after the others: the set last grew then. Then calls
	 * before any filter in the container already running under its own: an exec session.
	 */
	cur->n[SC_FILTERED][SC_ABI_NATIVE][0] = 9;
	cur->n[SC_FILTERED][SC_ABI_NATIVE][1] = 2;
	fold_added(l, cur, 250);
	ASSERT_EQ(image__last_new(img), 250, "census_last_new_is_the_latest");
	ASSERT_EQ(img->exec_sessions, 0, "census_no_exec_session_yet");
	cur->n[SC_UNFILTERED][SC_ABI_NATIVE][165] = 2;
	fold_added(l, cur, 260);
	ASSERT_MSG(img->exec_sessions == 1 && img->last_exec == 260, "census_exec_session_seen",
		   "%llu sessions, last %lld; expected 1 at 260", (unsigned long long)img->exec_sessions,
		   (long long)img->last_exec);
	/* a state file from another version, or with a row out of range, is refused */
	refuses("census_refuses_version", path, "{\"format\":\"syscensus-state\",\"version\":2}", -EPROTO);
	refuses("census_refuses_bad_row", path,
		"{\"format\":\"syscensus-state\",\"version\":1,\"images\":[{\"image\":\"a\",\"calls\":[[0,0,600,1,0,0]]}]}",
		-EINVAL);
	/*
	 * Unknown cgroups that are gone: one that made no call is forgotten; the calls of
	 * the others are kept together in unknown/gone, which counts them (the state stays
	 * bounded however many come and go).
	 */
	census__image(&c, SC_UNKNOWN_PREFIX "77", true);
	for (int k = 78; k < 80; k++) {
		img = census__image(&c, k == 78 ? SC_UNKNOWN_PREFIX "78" : SC_UNKNOWN_PREFIX "79", true);
		if (img)
			vec_get(&img->calls, SC_KEY(0, 0, k - 77), true)->count = 3;
	}
	ASSERT_EQ(census__prune(&c), 3, "census_prune_unknown_gone");
	img = census__image(&c, SC_UNKNOWN_GONE, false);
	ASSERT_MSG(img && img->ctrs_total == 2 && img->calls.n == 2 && !census__image(&c, SC_UNKNOWN_PREFIX "77", false) &&
		   !census__image(&c, SC_UNKNOWN_PREFIX "78", false) && !census__image(&c, SC_UNKNOWN_PREFIX "79", false),
		   "census_prune_idle_unknown", "expected 77 forgotten, 78 and 79 in unknown/gone (2 cgroups, 2 calls); "
		   "got %s", img ? "unknown/gone with other content" : "no unknown/gone");
	unlink(path);
	census__free(&c);
	free(cur);
}
