// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "recorder.h"
#include "util.h"
#include "syscensus.skel.h"
#include "empty.skel.h"

struct sc_recorder {
	struct syscensus_bpf *skel;
	struct bpf_link *link;
	enum sc_attach mode;
	uint32_t capacity;
	int ncpus;
	int fd_cgroups, fd_counts;
	struct sc_counts *percpu;	/* ncpus values: read/zero buffer */
};

static void explain_load_error(int err)
{
	if (err == -EPERM || err == -EACCES)
		sc_err("loading BPF programs needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
	else if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		sc_err("kernel BTF (/sys/kernel/btf/vmlinux) is missing: CO-RE needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	else
		sc_err("cannot load the BPF recorder: %s (run with -v for libbpf's log)", strerror(-err));
}

static int try_load(struct sc_recorder *r, enum sc_attach mode)
{
	struct syscensus_bpf *s;
	int err;

	s = syscensus_bpf__open();
	if (!s)
		return -errno;
	s->rodata->slot_mask = r->capacity - 1;
	err = bpf_map__set_max_entries(s->maps.sc_cgroups, r->capacity);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.sc_counts, r->capacity);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_enter_btf, mode == SC_ATTACH_BTF);
	if (!err)
		err = bpf_program__set_autoload(s->progs.sc_enter_raw, mode == SC_ATTACH_RAW);
	if (!err)
		err = syscensus_bpf__load(s);
	if (err) {
		syscensus_bpf__destroy(s);
		return err;
	}
	r->skel = s;
	r->mode = mode;
	return 0;
}

int recorder__attach(struct sc_recorder *r)
{
	struct bpf_program *p = r->mode == SC_ATTACH_BTF ? r->skel->progs.sc_enter_btf
							 : r->skel->progs.sc_enter_raw;

	if (r->link)
		return 0;
	r->link = bpf_program__attach(p);
	if (!r->link)
		return -errno;
	return 0;
}

int recorder__detach(struct sc_recorder *r)
{
	int err = r->link ? bpf_link__destroy(r->link) : 0;

	r->link = NULL;
	return err;
}

struct sc_recorder *recorder__open(const struct sc_recorder_opts *o)
{
	struct sc_recorder *r;
	uint32_t cap = 1;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	while (cap < o->capacity && cap < (1u << 20))
		cap <<= 1;
	if (cap < SC_PROBES)
		cap = SC_PROBES;
	r->capacity = cap;
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0) {
		err = r->ncpus ? r->ncpus : -EINVAL;
		sc_err("cannot count possible CPUs: %s", strerror(-err));
		goto fail;
	}
	r->percpu = calloc(r->ncpus, sizeof(*r->percpu));
	if (!r->percpu) {
		err = -ENOMEM;
		goto fail;
	}

	if (o->attach == SC_ATTACH_AUTO) {
		/* feature probe: the BTF-typed hook is cheaper; fall back when it fails to load */
		err = try_load(r, SC_ATTACH_BTF);
		if (err) {
			sc_debug("tp_btf program did not load (%s); trying raw_tp", strerror(-err));
			err = try_load(r, SC_ATTACH_RAW);
		}
	} else {
		err = try_load(r, o->attach);
	}
	if (err) {
		explain_load_error(err);
		goto fail;
	}
	r->fd_cgroups = bpf_map__fd(r->skel->maps.sc_cgroups);
	r->fd_counts = bpf_map__fd(r->skel->maps.sc_counts);
	err = recorder__attach(r);
	if (err) {
		sc_err("cannot attach the recorder to raw_syscalls:sys_enter: %s", strerror(-err));
		goto fail;
	}
	sc_debug("recorder attached (%s), %u cgroup slots, %zu bytes of counters per slot and CPU",
		 recorder__attach_name(r), r->capacity, sizeof(struct sc_counts));
	return r;
fail:
	recorder__destroy(r);
	errno = -err;
	return NULL;
}

void recorder__destroy(struct sc_recorder *r)
{
	if (!r)
		return;
	recorder__detach(r);
	syscensus_bpf__destroy(r->skel);
	free(r->percpu);
	free(r);
}

const char *recorder__attach_name(const struct sc_recorder *r)
{
	return r->mode == SC_ATTACH_BTF ? "tp_btf" : "raw_tp";
}

int recorder__track(struct sc_recorder *r, uint64_t cgid, uint32_t *slot)
{
	uint32_t h = sc_slot_hash(cgid), free_slot = UINT32_MAX, s;
	struct sc_cgroup_ent ent;
	int i;

	if (cgid == SC_SLOT_EMPTY || cgid == SC_SLOT_DEAD)
		return -EINVAL;
	/* the whole probe sequence first: the id may already be there past a free slot */
	for (i = 0; i < SC_PROBES; i++) {
		s = (h + i) & (r->capacity - 1);
		if (bpf_map_lookup_elem(r->fd_cgroups, &s, &ent))
			return -errno;
		if (ent.cgid == cgid) {
			*slot = s;
			return 0;
		}
		if ((ent.cgid == SC_SLOT_EMPTY || ent.cgid == SC_SLOT_DEAD) && free_slot == UINT32_MAX)
			free_slot = s;
		if (ent.cgid == SC_SLOT_EMPTY)
			break;
	}
	if (free_slot == UINT32_MAX)
		return -ENOSPC;
	/* zero the counters before the id is visible to the BPF program */
	memset(r->percpu, 0, r->ncpus * sizeof(*r->percpu));
	if (bpf_map_update_elem(r->fd_counts, &free_slot, r->percpu, BPF_ANY))
		return -errno;
	ent.cgid = cgid;
	if (bpf_map_update_elem(r->fd_cgroups, &free_slot, &ent, BPF_ANY))
		return -errno;
	*slot = free_slot;
	return 0;
}

int recorder__untrack(struct sc_recorder *r, uint32_t slot)
{
	struct sc_cgroup_ent ent = { .cgid = SC_SLOT_DEAD };

	if (slot >= r->capacity)
		return -EINVAL;
	if (bpf_map_update_elem(r->fd_cgroups, &slot, &ent, BPF_ANY))
		return -errno;
	return 0;
}

int recorder__read(struct sc_recorder *r, uint32_t slot, struct sc_tally *t)
{
	if (slot >= r->capacity)
		return -EINVAL;
	if (bpf_map_lookup_elem(r->fd_counts, &slot, r->percpu))
		return -errno;
	memset(t, 0, sizeof(*t));
	for (int c = 0; c < r->ncpus; c++)
		for (int a = 0; a < SC_NR_ABIS; a++)
			for (int n = 0; n < SC_NR_PER_ABI; n++)
				t->n[a][n] += r->percpu[c].n[a][n];
	return 0;
}

struct sc_floor {
	struct empty_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
};

struct sc_floor *floor__open(enum sc_attach attach)
{
	struct sc_floor *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return NULL;
	f->skel = empty_bpf__open();
	if (!f->skel) {
		err = -errno;
		goto fail;
	}
	f->prog = attach == SC_ATTACH_RAW ? f->skel->progs.empty_raw : f->skel->progs.empty_btf;
	bpf_program__set_autoload(f->skel->progs.empty_raw, attach == SC_ATTACH_RAW);
	bpf_program__set_autoload(f->skel->progs.empty_btf, attach != SC_ATTACH_RAW);
	err = empty_bpf__load(f->skel);
	if (err)
		goto fail;
	return f;
fail:
	explain_load_error(err);
	floor__destroy(f);
	errno = -err;
	return NULL;
}

int floor__attach(struct sc_floor *f)
{
	f->link = bpf_program__attach(f->prog);
	return f->link ? 0 : -errno;
}

void floor__detach(struct sc_floor *f)
{
	bpf_link__destroy(f->link);
	f->link = NULL;
}

void floor__destroy(struct sc_floor *f)
{
	if (!f)
		return;
	floor__detach(f);
	empty_bpf__destroy(f->skel);
	free(f);
}
