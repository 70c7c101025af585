# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# syscensus: `make` builds build/syscensus; `make test`, `make bench`, `make demo`.

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_ARCH := $(shell uname -m)

CFLAGS   ?= -O2 -g
# CFLAGS is the user's (make CFLAGS=...); what the build needs is added here
ALL_CFLAGS = $(CFLAGS) -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11 -D_GNU_SOURCE \
            -Iinclude -Iuser -I$(BUILD)
LDLIBS   := -lbpf -lelf -lz -lseccomp -lcjson -lnettle -lmicrohttpd -lcurl -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ivmlinux -Iinclude -Wall

# user/<stage>/*.c; main.c is the binary's entry point, linked apart from the unit tests
USER_SRCS := $(filter-out user/cmd/main.c,$(wildcard user/*/*.c))
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
USER_HDRS := $(wildcard user/*/*.h)
# the agent's own seccomp profile, built into the binary (user/census/confine.c)
USER_OBJS += $(BUILD)/gen/agent_profile.o
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
UNITDIR  ?= /etc/systemd/system

.PHONY: agent-profile churn vmtest all clean test bench bench-metrics demo vmlinux deps progs asan install programs fuzz fuzzers print-fuzz-cflags
# keep skeletons and BPF objects: they are build products, not temporaries
.SECONDARY:

all: $(BUILD)/syscensus progs

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c include/syscensus.h $(wildcard bpf/*.bpf.h) | $(BUILD)/bpf
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/user/%.o: user/%.c $(USER_HDRS) include/syscensus.h $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/syscensus: $(BUILD)/user/cmd/main.o $(USER_OBJS)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

# Test programs: a sample with a known set of syscalls (native and ia32), unit tests,
# BPF tests (root: real programs, real cgroups).
progs: $(BUILD)/tests/sample $(BUILD)/tests/many $(BUILD)/tests/sock $(BUILD)/tests/marker $(BUILD)/tests/sample32 $(BUILD)/tests/unit $(BUILD)/tests/test_slots

$(BUILD)/tests/sample: tests/progs/sample.c | $(BUILD)/tests
	$(CC) -O2 -Wall -pthread $< -o $@

# more distinct syscalls than the recorder counts one by one in a cgroup (x86_64)
$(BUILD)/tests/many: tests/progs/many.c | $(BUILD)/tests
	$(CC) -O2 -Wall $< -o $@

# one socket of the family and type given: the argument-rule tests
$(BUILD)/tests/sock: tests/progs/sock.c | $(BUILD)/tests
	$(CC) -O2 -Wall $< -o $@

# a known number of one syscall, static: the whole of a churn test container
$(BUILD)/tests/marker: tests/progs/marker.c | $(BUILD)/tests
	$(CC) -O2 -Wall -static $< -o $@

# 32-bit static build (gcc-multilib): exercises the ia32 ABI on x86_64
$(BUILD)/tests/sample32: tests/progs/sample.c | $(BUILD)/tests
	$(CC) -m32 -static -O2 -Wall -pthread $< -o $@

# one file per area, tests/unit/main.c runs them all; compiled as one command (a few seconds)
UNIT_SRCS := $(wildcard tests/unit/*.c)
$(BUILD)/tests/unit: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(USER_OBJS) $(USER_HDRS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit $(UNIT_SRCS) $(USER_OBJS) -o $@ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/test_slots: tests/bpf/test_slots.c $(USER_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $< $(USER_OBJS) -o $@ $(LDFLAGS) $(LDLIBS)

$(BUILD)/bpf $(BUILD)/tests:
	mkdir -p $@

test: all
	bash tests/run

# The binary, and the agent's systemd unit with the binary's path (DESTDIR for packaging)
install: $(BUILD)/syscensus
	install -D -m 0755 $(BUILD)/syscensus $(DESTDIR)$(BINDIR)/syscensus
	mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' deploy/syscensus-agent.service > $(DESTDIR)$(UNITDIR)/syscensus-agent.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/syscensus-agent.service.tmp
	mv $(DESTDIR)$(UNITDIR)/syscensus-agent.service.tmp $(DESTDIR)$(UNITDIR)/syscensus-agent.service

bench: all
	$(BUILD)/syscensus bench --macro --agent-cost 60 --churn 60

# What serving metrics costs for 1,000 images (the suite runs it for 100)
bench-metrics: all
	bash tests/metrics_bench.sh 1000 200

$(BUILD)/gen/agent_profile.c: deploy/seccomp/syscensus-agent.json
	@mkdir -p $(@D)
	{ echo '/* generated from $< */'; echo 'const char sc_agent_profile_json[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; echo '0 };'; } >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/agent_profile.o: $(BUILD)/gen/agent_profile.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The kernel matrix: the kernel-facing tests on Debian 12's 6.1 and 6.12 kernels in qemu, and
# on the host's (root; the suite runs 6.1 only)
VMTEST_KERNELS ?= 6.1 6.12 host
vmtest: all
	bash tests/vmtest/vmtest.sh $(VMTEST_KERNELS)

# Churn: 500 real containers and 4 SIGKILLs of the agent (root, podman; the suite runs 40 and 1)
churn: all
	bash tests/churn.sh 500 4

# the agent's own seccomp profile, recorded from the agent by syscensus (root, podman)
agent-profile: all
	bash tests/agent_profile.sh deploy/seccomp/syscensus-agent.json

# The agent's container image, FROM scratch, built offline with podman (deploy/Containerfile)
IMAGE ?= localhost/syscensus-agent:latest
image: $(BUILD)/syscensus
	bash deploy/image/build.sh $(BUILD)/syscensus $(IMAGE)

demo: all
	bash tests/demo

# Programs a new user would try, recorded and run under their profiles: a markdown table (root)
programs: all progs
	bash tests/programs.sh

# Build with AddressSanitizer/UBSan into build-asan/ (run: make asan && BUILD=build-asan bash tests/run)
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer"

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang into build-fuzz/ with ASan and
# UBSan (any report is a crash); `make fuzz FUZZ_SECONDS=N` runs each for N seconds from its
# committed seed corpus (tests/fuzz/corpus/NAME) and prints runs, exec/s and coverage.
FUZZ_SECONDS ?= 60
FUZZERS := $(notdir $(basename $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(USER_OBJS) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -fsanitize=fuzzer $< $(USER_OBJS) -o $@ $(LDFLAGS) $(LDLIBS)

fuzzers: $(addprefix $(BUILD)/fuzz/,$(FUZZERS))

print-fuzz-cflags:
	@echo '$(FUZZ_CFLAGS)'

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzzers
	bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

vmlinux:
	mkdir -p vmlinux/$(VMLINUX_ARCH)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(VMLINUX_ARCH)/vmlinux.h.tmp
	mv vmlinux/$(VMLINUX_ARCH)/vmlinux.h.tmp vmlinux/$(VMLINUX_ARCH)/vmlinux.h

deps:
	bash .ci/deps

clean:
	rm -rf $(BUILD) build-asan build-fuzz
