// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF test, root only: the BPF side and userspace agree on the cgroup table. The home
 * slot of a cgroup id is sc_slot_hash(id) & (capacity - 1); probing goes on linearly
 * for SC_PROBES slots; a claim finds the id if it is already in the sequence, else
 * takes the first free (empty or dead) slot, whether the BPF side makes it (sc_claim,
 * cgroup_mkdir program) or userspace does (recorder__track, compare-and-swap on the
 * mmapped table).
 *
 * Real cgroups and a real recorder opened as `record` opens it (watch_cgroups and a
 * watch_root, so that only the test's own subtree is claimed), once per attach mode:
 *  - a table with room: where the cgroups either side claimed sit, the slot a mkdir
 *    event names, recorder__track of a claimed id, calls counted exactly (a child
 *    fires getppid N times) in BPF-claimed and userspace-claimed cgroups, released
 *    slots reused zeroed;
 *  - a table of SC_PROBES slots, where every probe sequence is the whole table: full
 *    (-ENOSPC, table_full), then released slots reused by either side, zeroed.
 * Prints "name: PASS|FAIL|SKIP" per check (setup steps only when they fail), what it
 * got and expected on failure, and a closing "bpf_slots: N passed, N failed, N
 * skipped". Nothing is pinned; every cgroup made here is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "record/cgroup.h"
#include "record/recorder.h"
#include "lib/util.h"

static int passed, failed, skipped;
static const char *mode = "";	/* attach mode: prefix of every check's name */

static bool report(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s%s: %s", mode, name, ok ? "PASS" : "FAIL: ");
	if (!ok) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

static void skip(const char *name, const char *why)
{
	printf("%s%s: SKIP: %s\n", mode, name, why);
	skipped++;
}

/* test_progs' ASSERT_EQ: true when equal, else says what it got and what it expected */
#define ASSERT_EQ(got, want, name) ({							\
	unsigned long long __got = (got), __want = (want);				\
	report(__got == __want, name, "got %llu, expected %llu", __got, __want);	\
})
#define ASSERT_OK(err, name) ({								\
	int __err = (err);								\
	report(__err == 0, name, "got %d (%s), expected 0", __err, strerror(-__err));	\
})

/* A step the checks rest on: silent when it works, a FAIL saying why when it does not. */
static bool setup_ok(int err, const char *what)
{
	if (err)
		report(false, what, "%s", strerror(-err));
	return !err;
}

/* Cgroups made by the test, removed at the end (last made, first removed). */
#define MAX_CGROUPS 64
static struct {
	char path[PATH_MAX];
	uint64_t id;
} made[MAX_CGROUPS];
static int nmade;

static int cg_make(uint64_t *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cg_make(uint64_t *id, const char *fmt, ...)
{
	char *path = made[nmade].path;
	va_list ap;
	int len, err;

	if (nmade == MAX_CGROUPS)
		return -ENOSPC;
	va_start(ap, fmt);
	len = vsnprintf(path, sizeof(made[0].path), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(made[0].path))
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) < 0)
		return -errno;
	nmade++;
	err = cgroup__id(path, id);
	made[nmade - 1].id = err ? 0 : *id;
	return err < 0 ? err : 0;
}

/* Path of a cgroup made by the test, from its id. */
static const char *cg_path(uint64_t id)
{
	for (int i = 0; i < nmade; i++)
		if (made[i].id == id)
			return made[i].path;
	return "(not made by the test)";
}

static void cg_remove_all(void)
{
	while (nmade > 0) {
		const char *p = made[--nmade].path;

		/* a reaped child may still be leaving the cgroup for a moment */
		for (int i = 0; i < 100 && rmdir(p) < 0 && errno == EBUSY; i++)
			usleep(10000);
		if (access(p, F_OK) == 0)
			fprintf(stderr, "bpf_slots: cannot remove cgroup %s: %s\n", p, strerror(errno));
	}
}

/*
 * Run a child in cgroup @cgid that calls getppid @n times; *@got: the getppid calls
 * counted in @slot (both phases, native ABI). Returns 0 or -errno.
 */
static int count_getppid(struct sc_recorder *r, uint64_t cgid, uint32_t slot, unsigned n, uint64_t *got)
{
	struct sc_slot_counts *c = calloc(1, sizeof(*c));
	struct sc_tally *t = calloc(1, sizeof(*t));
	char procs[PATH_MAX + 16], pid[32];
	int status, err, fd;
	pid_t child;

	if (!c || !t) {
		err = -ENOMEM;
		goto cleanup;
	}
	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_path(cgid)) >= sizeof(procs)) {
		err = -ENAMETOOLONG;
		goto cleanup;
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		err = -errno;
		goto cleanup;
	}
	if (child == 0) {
		int len = snprintf(pid, sizeof(pid), "%d", (int)getpid());

		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, len) != len)
			_exit(3);
		close(fd);
		for (unsigned i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	if (waitpid(child, &status, 0) < 0) {
		err = -errno;
		goto cleanup;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bpf_slots: the child could not enter %s (status 0x%x)\n", procs, status);
		err = -ECHILD;
		goto cleanup;
	}
	if ((err = recorder__read(r, slot, c)))
		goto cleanup;
	slot_counts__sum_phases(c, t);
	*got = t->n[SC_ABI_NATIVE][SYS_getppid];
cleanup:
	free(c);
	free(t);
	return err;
}

static bool all_zero(const struct sc_slot_counts *c)
{
	const uint64_t *w = &c->n[0][0][0];

	for (size_t i = 0; i < sizeof(c->n) / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

static uint32_t home_of(const struct sc_recorder *r, uint64_t id)
{
	return sc_slot_hash(id) & (recorder__capacity(r) - 1);
}

/*
 * Where userspace says @id must be: in the first slot of its probe sequence that was
 * free when it was claimed. Nothing is freed while this is used, so every slot of the
 * sequence before it holds another live id. SC_SLOT_NONE: not in the sequence; @why
 * then says whether a free slot was passed (a disagreement) or the sequence is full.
 */
static uint32_t expected_place(const struct sc_recorder *r, uint64_t id, char *why, size_t len)
{
	uint32_t mask = recorder__capacity(r) - 1, home = home_of(r, id), s;

	for (int i = 0; i < SC_PROBES; i++) {
		s = (home + i) & mask;
		if (recorder__slot_cgid(r, s) == id) {
			snprintf(why, len, "in slot %u, %d after its home %u", s, i, home);
			return s;
		}
		if (recorder__slot_cgid(r, s) == 0) {
			snprintf(why, len, "id %llu (home %u) not found, but slot %u of its sequence is free",
				 (unsigned long long)id, home, s);
			return SC_SLOT_NONE;
		}
	}
	snprintf(why, len, "id %llu (home %u) not found, its sequence is full", (unsigned long long)id, home);
	return SC_SLOT_NONE;
}

/* How many slots of the table hold @id (one at most, or lookups and counts disagree). */
static unsigned occurrences(const struct sc_recorder *r, uint64_t id)
{
	unsigned n = 0;

	for (uint32_t s = 0; s < recorder__capacity(r); s++)
		n += recorder__slot_cgid(r, s) == id;
	return n;
}

/* Events of the mkdir program. */
#define MAX_EVENTS 128
struct events {
	struct {
		uint64_t cgid;
		uint32_t slot;
	} e[MAX_EVENTS];
	int n;
};

static int on_event(void *ctx, const struct sc_event *e)
{
	struct events *ev = ctx;

	if (e->kind == SC_EV_MKDIR && ev->n < MAX_EVENTS) {
		ev->e[ev->n].cgid = e->cgid;
		ev->e[ev->n].slot = e->slot;
		ev->n++;
	}
	return 0;
}

/* The slot the mkdir event of @id named; false when no event came within a second. */
static bool event_slot(struct sc_recorder *r, struct events *ev, uint64_t id, uint32_t *slot)
{
	for (int tries = 0; tries < 10; tries++) {
		for (int i = 0; i < ev->n; i++) {
			if (ev->e[i].cgid == id) {
				*slot = ev->e[i].slot;
				return true;
			}
		}
		if (recorder__poll_events(r, 100, on_event, ev) < 0)
			return false;
	}
	return false;
}

/* A made-up id (never a real cgroup's) whose home slot is @home. */
static uint64_t id_with_home(const struct sc_recorder *r, uint32_t home)
{
	uint64_t id = 1ULL << 62;

	while (home_of(r, id) != home)
		id++;
	return id;
}

static struct sc_recorder *open_recorder(enum sc_attach attach, unsigned capacity, uint64_t root)
{
	struct sc_recorder_opts o = {
		.capacity = capacity,
		.attach = attach,
		.watch_cgroups = true,
		.watch_root = root,
		.watch_root_level = 1,	/* the test's cgroups are right below the root */
		.pin_dir = NULL,	/* nothing outlives the test */
	};

	return recorder__open(&o);
}

/*
 * The BPF side claims, at mkdir, a cgroup userspace already holds past a dead slot:
 * the agent's walk of cgroupfs can see a new directory before its mkdir program runs,
 * and release a slot in between. Done deterministically by predicting the new
 * cgroup's id: kernfs numbers its nodes in sequence, and every cgroup directory takes
 * as many (itself and its files); skipped when something else made a cgroup between.
 */
static void test_claim_of_held_id(struct sc_recorder *r, struct events *ev, uint64_t root_id)
{
	uint64_t a, b, next, id, blocker;
	uint32_t home, held, slot = SC_SLOT_NONE;

	if (!setup_ok(cg_make(&a, "%s/seq-a", cg_path(root_id)), "held_mkdir") ||
	    !setup_ok(cg_make(&b, "%s/seq-b", cg_path(root_id)), "held_mkdir"))
		return;
	next = b + (b - a);
	home = home_of(r, next);
	if (recorder__slot_cgid(r, home) != 0) {
		skip("bpf_claim_finds_id_held_past_dead_slot", "the predicted id's home slot is taken");
		return;
	}
	blocker = id_with_home(r, home);
	if (!setup_ok(recorder__track(r, blocker, &slot), "held_track_blocker") ||
	    !setup_ok(recorder__track(r, next, &held), "held_track_predicted") ||
	    !setup_ok(recorder__release(r, slot, NULL), "held_release_blocker"))
		return;
	/* now: home dead, the id held after it; the BPF side's claim must find it there */
	if (!setup_ok(cg_make(&id, "%s/seq-c", cg_path(root_id)), "held_mkdir"))
		return;
	if (id != next) {
		skip("bpf_claim_finds_id_held_past_dead_slot", "another cgroup was made meanwhile");
		setup_ok(recorder__release(r, held, NULL), "held_release_unused");
		return;
	}
	slot = SC_SLOT_NONE;
	event_slot(r, ev, id, &slot);
	report(slot == held && occurrences(r, id) == 1, "bpf_claim_finds_id_held_past_dead_slot",
	       "held in slot %u (home %u dead), event slot %u, in %u slots of the table", held, home, slot,
	       occurrences(r, id));
}

#define ROOMY_SLOTS	256	/* room enough that no probe sequence of the test fills up */
#define N_PRE		4	/* claimed by userspace: they exist before the recorder */
#define N_CHILDREN	24	/* claimed by the BPF side at mkdir */

/*
 * A table with room: where claims land, and where calls are counted. The homes of the
 * cgroups made before the recorder are known in advance: made-up ids are put there
 * first, so that their claims, and the BPF side's lookups of them, have to probe.
 */
static void test_roomy(const char *mnt, enum sc_attach attach)
{
	uint64_t root_id, pre[N_PRE], kids[N_CHILDREN], outside_id, got;
	uint32_t mask = ROOMY_SLOTS - 1, slot, pre_slot[N_PRE], kid_slot[N_CHILDREN];
	struct events *ev = calloc(1, sizeof(*ev));
	struct sc_slot_counts *c = calloc(1, sizeof(*c));
	struct sc_recorder *r = NULL;
	char why[160] = "";
	int err = 0, bad;

	if (!setup_ok(ev && c ? 0 : -ENOMEM, "roomy_setup") ||
	    !setup_ok(cg_make(&root_id, "%s/syscensus-test-slots-%d-%d", mnt, (int)getpid(), (int)attach),
		      "roomy_mkdir_root"))
		goto cleanup;
	for (int i = 0; i < N_PRE; i++)
		if (!setup_ok(cg_make(&pre[i], "%s/pre%d", cg_path(root_id), i), "roomy_mkdir_pre"))
			goto cleanup;
	r = open_recorder(attach, ROOMY_SLOTS, root_id);
	if (!setup_ok(r ? 0 : -errno, "roomy_open") ||
	    !ASSERT_EQ(recorder__capacity(r), ROOMY_SLOTS, "roomy_capacity"))
		goto cleanup;

	/* userspace claims: the watch root (as record does), then the cgroups made before */
	err = recorder__track(r, root_id, &slot);
	if (!ASSERT_OK(err, "user_track_root") ||
	    !report(slot == expected_place(r, root_id, why, sizeof(why)), "user_claim_root_in_probe_sequence",
		    "slot %u: %s", slot, why))
		goto cleanup;
	bad = 0;
	for (int i = 0; i < N_PRE && !bad; i++) {
		/* pre[i]'s home and the i slots after it: taken by made-up ids */
		for (int k = 0; k <= i && !err; k++) {
			uint32_t s = (home_of(r, pre[i]) + k) & mask;

			if (recorder__slot_cgid(r, s) == 0)
				err = recorder__track(r, id_with_home(r, s), &slot);
		}
		if (!err)
			err = recorder__track(r, pre[i], &pre_slot[i]);
		if (err || pre_slot[i] != expected_place(r, pre[i], why, sizeof(why)) ||
		    pre_slot[i] == home_of(r, pre[i]))
			bad = i + 1;
	}
	if (!report(!bad, "user_claims_first_free_of_probe_sequence", "pre%d: track %d, slot %u; %s", bad - 1,
		    err, bad ? pre_slot[bad - 1] : 0, why))
		goto cleanup;

	/* BPF claims: cgroups made below the watch root, some nested */
	for (int i = 0; i < N_CHILDREN; i++) {
		err = i % 4 == 3 ? cg_make(&kids[i], "%s/nested%d", cg_path(kids[i - 1]), i)
				 : cg_make(&kids[i], "%s/kid%d", cg_path(root_id), i);
		if (!setup_ok(err, "bpf_mkdir_child"))
			goto cleanup;
	}
	bad = 0;
	for (int i = 0; i < N_CHILDREN && !bad; i++) {
		kid_slot[i] = expected_place(r, kids[i], why, sizeof(why));
		if (kid_slot[i] == SC_SLOT_NONE)
			bad = i + 1;
	}
	if (!report(!bad, "bpf_claims_first_free_of_probe_sequence", "child %d: %s", bad - 1, why))
		goto cleanup;
	bad = 0;
	for (int i = 0; i < N_CHILDREN && !bad; i++) {
		slot = SC_SLOT_NONE;
		if (!event_slot(r, ev, kids[i], &slot) || slot != kid_slot[i])
			bad = i + 1;
	}
	report(!bad, "bpf_mkdir_event_names_the_slot", "child %d: event slot %u, table slot %u", bad - 1,
	       bad ? slot : 0, bad ? kid_slot[bad - 1] : 0);

	/* only the watched subtree is claimed */
	if (setup_ok(cg_make(&outside_id, "%s-outside", cg_path(root_id)), "mkdir_outside")) {
		report(occurrences(r, outside_id) == 0, "cgroup_outside_watch_root_not_claimed", "claimed");
		report(!event_slot(r, ev, outside_id, &slot), "cgroup_outside_watch_root_no_event",
		       "an event, slot %u", slot);
	}

	/* userspace asking for a cgroup either side claimed gets the slot it has */
	bad = 0;
	for (int i = 0; i < N_CHILDREN && !bad; i++) {
		err = recorder__track(r, kids[i], &slot);
		if (err || slot != kid_slot[i])
			bad = i + 1;
	}
	report(!bad, "user_track_of_bpf_claimed_id_same_slot", "child %d: track %d, slot %u, claimed %u",
	       bad - 1, err, bad ? slot : 0, bad ? kid_slot[bad - 1] : 0);
	err = recorder__track(r, pre[N_PRE - 1], &slot);
	report(!err && slot == pre_slot[N_PRE - 1], "user_track_twice_same_slot", "track %d, slot %u, first %u",
	       err, slot, pre_slot[N_PRE - 1]);

	/* the BPF side finds what either side claimed, past other ids: calls counted there, exactly */
	bad = 0;
	for (int i = 0; i < N_PRE && !bad; i++) {
		if (!setup_ok(count_getppid(r, pre[i], pre_slot[i], 1000 + i, &got), "count_in_user_claimed"))
			goto cleanup;
		if (got != 1000u + i)
			bad = i + 1;
	}
	report(!bad, "getppid_counted_in_user_claimed_slots_after_probing", "pre%d: got %llu, expected %d",
	       bad - 1, (unsigned long long)got, 1000 + bad - 1);
	if (setup_ok(count_getppid(r, kids[3], kid_slot[3], 777, &got), "count_in_bpf_claimed"))
		ASSERT_EQ(got, 777, "getppid_counted_in_bpf_claimed_nested_slot");

	/* released: final counts returned, slot free; a claim whose sequence starts there takes it, zeroed */
	err = recorder__release(r, pre_slot[1], c);
	if (ASSERT_OK(err, "user_release")) {
		ASSERT_EQ(c->n[SC_UNFILTERED][SC_ABI_NATIVE][SYS_getppid] +
			  c->n[SC_FILTERED][SC_ABI_NATIVE][SYS_getppid], 1001, "release_returns_final_counts");
		ASSERT_EQ(recorder__slot_cgid(r, pre_slot[1]), 0, "released_slot_free");
		err = recorder__track(r, id_with_home(r, pre_slot[1]), &slot);
		if (ASSERT_OK(err, "user_track_after_release")) {
			ASSERT_EQ(slot, pre_slot[1], "user_claim_reuses_released_home_slot");
			err = recorder__read(r, slot, c);
			report(!err && all_zero(c), "reused_slot_counters_zeroed", "read %d%s", err,
			       err ? "" : ", counters not zero");
		}
	}
	test_claim_of_held_id(r, ev, root_id);
cleanup:
	recorder__destroy(r);
	free(ev);
	free(c);
	cg_remove_all();
}

/*
 * A table of SC_PROBES slots: every probe sequence is the whole table, so a full table
 * refuses every claim, and a released slot is the only place the next claim can go.
 */
static void test_full(const char *mnt, enum sc_attach attach)
{
	uint64_t root_id, ids[SC_PROBES], id, before, got;
	uint32_t slot, slots[SC_PROBES], freed;
	struct events *ev = calloc(1, sizeof(*ev));
	struct sc_slot_counts *c = calloc(1, sizeof(*c));
	struct sc_recorder_stats st;
	struct sc_recorder *r = NULL;
	char why[160] = "";
	int err, bad = 0;

	if (!setup_ok(ev && c ? 0 : -ENOMEM, "full_setup") ||
	    !setup_ok(cg_make(&root_id, "%s/syscensus-test-slots-%d-%d-full", mnt, (int)getpid(), (int)attach),
		      "full_mkdir_root"))
		goto cleanup;
	r = open_recorder(attach, SC_PROBES, root_id);
	if (!setup_ok(r ? 0 : -errno, "full_open") ||
	    !ASSERT_EQ(recorder__capacity(r), SC_PROBES, "full_capacity_is_one_probe_sequence") ||
	    !setup_ok(recorder__track(r, root_id, &slot), "full_track_root"))
		goto cleanup;
	/* the BPF side fills the rest of the table, wrapping around */
	for (int i = 0; i < SC_PROBES - 1 && !bad; i++) {
		if (!setup_ok(cg_make(&ids[i], "%s/c%d", cg_path(root_id), i), "full_mkdir"))
			goto cleanup;
		slots[i] = SC_SLOT_NONE;
		if (!event_slot(r, ev, ids[i], &slots[i]) ||
		    slots[i] != expected_place(r, ids[i], why, sizeof(why)) || slots[i] == SC_SLOT_NONE)
			bad = i + 1;
	}
	if (!report(!bad, "full_bpf_claims_first_free_wrapping_around", "c%d: event slot %u; %s", bad - 1,
		    bad ? slots[bad - 1] : 0, why))
		goto cleanup;

	/* full: userspace gets -ENOSPC, the BPF side counts a cgroup it could not place */
	err = recorder__track(r, id_with_home(r, 0), &slot);
	ASSERT_EQ(err, -ENOSPC, "full_user_track_enospc");
	recorder__stats(r, &st);
	before = st.table_full;
	if (!setup_ok(cg_make(&id, "%s/c%d", cg_path(root_id), SC_PROBES - 1), "full_mkdir_one_too_many"))
		goto cleanup;
	slot = 0;
	report(event_slot(r, ev, id, &slot) && slot == SC_SLOT_NONE, "full_bpf_event_says_no_slot",
	       "event slot %u", slot);
	recorder__stats(r, &st);
	ASSERT_EQ(st.table_full - before, 1, "full_table_full_counted");

	/*
	 * A BPF-claimed slot with calls in it, released: the BPF side's next claim takes it,
	 * zeroed. 70,000 calls: past a 16-bit counter, so its carry must be zeroed too.
	 */
	if (!setup_ok(count_getppid(r, ids[2], slots[2], 70000, &got), "full_count") ||
	    !ASSERT_EQ(got, 70000, "full_getppid_counted_past_16_bits") ||
	    !ASSERT_OK(recorder__release(r, slots[2], NULL), "full_release_bpf_claimed"))
		goto cleanup;
	freed = slots[2];
	if (!setup_ok(cg_make(&id, "%s/c%d", cg_path(root_id), SC_PROBES), "full_mkdir_after_release"))
		goto cleanup;
	slot = SC_SLOT_NONE;
	report(event_slot(r, ev, id, &slot) && slot == freed && recorder__slot_cgid(r, slot) == id,
	       "bpf_claim_reuses_released_slot", "event slot %u, released %u, which holds %llu (new id %llu)", slot,
	       freed, (unsigned long long)recorder__slot_cgid(r, freed), (unsigned long long)id);
	err = recorder__read(r, freed, c);
	report(!err && all_zero(c), "bpf_reused_slot_counters_zeroed", "read %d%s", err,
	       err ? "" : ", counters not zero");
	if (setup_ok(count_getppid(r, id, freed, 300, &got), "full_count_reused"))
		ASSERT_EQ(got, 300, "bpf_reused_slot_counts_only_its_own_calls");

	/* and userspace's next claim takes a released slot, wherever its home */
	if (!ASSERT_OK(recorder__release(r, slots[4], NULL), "full_release_for_user"))
		goto cleanup;
	err = recorder__track(r, id_with_home(r, (slots[4] + 1) & (SC_PROBES - 1)), &slot);
	if (ASSERT_OK(err, "full_user_track_after_release")) {
		ASSERT_EQ(slot, slots[4], "user_claim_reuses_released_slot");
		err = recorder__read(r, slot, c);
		report(!err && all_zero(c), "user_reused_slot_counters_zeroed", "read %d%s", err,
		       err ? "" : ", counters not zero");
	}
cleanup:
	recorder__destroy(r);
	free(ev);
	free(c);
	cg_remove_all();
}

int main(void)
{
	static const enum sc_attach modes[] = { SC_ATTACH_BTF, SC_ATTACH_RAW };
	static const char *const names[] = { "tp_btf.", "raw_tp." };
	char mnt[PATH_MAX];
	int err;

	if (geteuid() != 0) {
		skip("bpf_slots", "not root (loads BPF programs, makes cgroups)");
		goto out;
	}
	err = cgroup__v2_mount(mnt, sizeof(mnt));
	if (err) {
		skip("bpf_slots", "no cgroup v2 hierarchy in /proc/self/mountinfo");
		goto out;
	}
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		mode = names[m];
		test_roomy(mnt, modes[m]);
		test_full(mnt, modes[m]);
	}
	mode = "";
out:
	cg_remove_all();
	printf("bpf_slots: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
