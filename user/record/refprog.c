// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The benchmark's reference programs (bpf/reference.bpf.c), loaded beside the recorder
 * and never used to record: the cost floor, the recorder's previous design and the one
 * it did not take.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/util.h"
#include "record/cgroup.h"
#include "record/refprog.h"
#include "reference.skel.h"

struct sc_refprog {
	struct reference_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	enum sc_ref which;
};

bool refprog__supported(enum sc_ref which)
{
	/* BPF_MAP_TYPE_CGRP_STORAGE (Linux 6.2 UAPI), by number: older headers lack the name */
	if (which == SC_REF_CGRP_STORAGE)
		return libbpf_probe_bpf_map_type((enum bpf_map_type)32, NULL) > 0;
	return true;	/* tp_btf or raw_tp: loading says */
}

struct sc_refprog *refprog__open(enum sc_ref which)
{
	struct sc_refprog *p = calloc(1, sizeof(*p));
	struct reference_bpf *s;
	int err;

	if (!p)
		return NULL;
	p->which = which;
	p->skel = s = reference_bpf__open();
	if (!s) {
		err = -errno;
		goto fail;
	}
	p->prog = which == SC_REF_EMPTY_RAW ? s->progs.empty_raw :
		  which == SC_REF_CGRP_STORAGE ? s->progs.cgrp_storage_btf :
		  which == SC_REF_PREVIOUS ? s->progs.prev_btf : s->progs.empty_btf;
	/* only what was asked for: the floors must load where cgroup storage does not exist */
	if ((err = bpf_program__set_autoload(s->progs.empty_raw, which == SC_REF_EMPTY_RAW)) ||
	    (err = bpf_program__set_autoload(s->progs.empty_btf, which == SC_REF_EMPTY_BTF)) ||
	    (err = bpf_program__set_autoload(s->progs.cgrp_storage_btf, which == SC_REF_CGRP_STORAGE)) ||
	    (err = bpf_program__set_autoload(s->progs.prev_btf, which == SC_REF_PREVIOUS)) ||
	    (err = bpf_map__set_autocreate(s->maps.ref_cgrp_counts, which == SC_REF_CGRP_STORAGE)) ||
	    (err = bpf_map__set_autocreate(s->maps.prev_cgroups, which == SC_REF_PREVIOUS)) ||
	    (err = bpf_map__set_autocreate(s->maps.prev_counts, which == SC_REF_PREVIOUS)) ||
	    (err = bpf_map__set_autocreate(s->maps.prev_cache, which == SC_REF_PREVIOUS)) ||
	    (err = reference_bpf__load(s)))
		goto fail;
	return p;
fail:
	recorder__explain_load_error(err);
	refprog__destroy(p);
	errno = -err;
	return NULL;
}

/* SC_REF_CGRP_STORAGE: create (@out NULL, zeroed) or read the counters of the cgroup at @dir. */
static int refprog_storage(struct sc_refprog *p, const char *dir, struct sc_slot_counts *out)
{
	struct sc_dense_counts *v;
	int fd, map, err = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);	/* the key: a cgroup fd */
	if (fd < 0)
		return -errno;
	map = bpf_map__fd(p->skel->maps.ref_cgrp_counts);
	v = calloc(1, sizeof(*v));
	if (!v)
		err = -ENOMEM;
	else if (out ? bpf_map_lookup_elem(map, &fd, v) : bpf_map_update_elem(map, &fd, v, BPF_NOEXIST))
		err = -errno;
	else if (out)
		memcpy(out->n, v->n, sizeof(out->n));
	free(v);
	close(fd);
	return err;
}

/* SC_REF_PREVIOUS: the cgroup's id in its home slot (@out NULL), or its counters summed over CPUs. */
static int refprog_previous(struct sc_refprog *p, const char *dir, struct sc_slot_counts *out)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	struct sc_dense_counts *v;
	uint64_t cgid;
	uint32_t slot;

	if (ncpus <= 0)
		return -EINVAL;
	if ((err = cgroup__id(dir, &cgid)))
		return err;
	slot = sc_slot_hash(cgid) & (SC_PROBES - 1);
	if (!out)
		return bpf_map_update_elem(bpf_map__fd(p->skel->maps.prev_cgroups), &slot, &cgid, BPF_ANY) ? -errno : 0;
	v = calloc(ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.prev_counts), &slot, v)) {
		err = -errno;
	} else {
		memset(out, 0, sizeof(*out));
		for (int cpu = 0; cpu < ncpus; cpu++)
			for (int k = 0; k < SC_NKEYS; k++)
				(&out->n[0][0][0])[k] += v[cpu].n[k];
	}
	free(v);
	return err;
}

int refprog__track(struct sc_refprog *p, const char *dir)
{
	return p->which == SC_REF_CGRP_STORAGE ? refprog_storage(p, dir, NULL) :
	       p->which == SC_REF_PREVIOUS ? refprog_previous(p, dir, NULL) : -EINVAL;
}

int refprog__read(struct sc_refprog *p, const char *dir, struct sc_slot_counts *c)
{
	return p->which == SC_REF_CGRP_STORAGE ? refprog_storage(p, dir, c) :
	       p->which == SC_REF_PREVIOUS ? refprog_previous(p, dir, c) : -EINVAL;
}

uint64_t refprog__memory(const struct sc_refprog *p)
{
	struct bpf_map *m;
	uint64_t total = 0;

	bpf_object__for_each_map(m, p->skel->obj)
		if (bpf_map__fd(m) >= 0)
			total += recorder__map_memlock(bpf_map__fd(m));
	return total;
}

int refprog__attach(struct sc_refprog *p)
{
	p->link = bpf_program__attach(p->prog);
	return p->link ? 0 : -errno;
}

void refprog__detach(struct sc_refprog *p)
{
	bpf_link__destroy(p->link);
	p->link = NULL;
}

void refprog__destroy(struct sc_refprog *p)
{
	if (!p)
		return;
	refprog__detach(p);
	reference_bpf__destroy(p->skel);
	free(p);
}
