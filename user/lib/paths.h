/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where syscensus and the container runtimes keep things by default: one place for all commands. */
#ifndef SC_PATHS_H
#define SC_PATHS_H

#define SC_DEFAULT_STATE_DIR	"/var/lib/syscensus"	/* state.json, agent.lock, profiles/ */
#define SC_STATE_FILE		"state.json"
#define SC_PROFILES_SUBDIR	"profiles"
#define SC_LOCK_FILE		"agent.lock"
#define SC_JOURNAL_FILE		"journal"	/* cgroups tracked since the last save (census/agent.c) */
#define SC_DEFAULT_PIN_DIR	"/sys/fs/bpf/syscensus"	/* the agent's pinned recorder */
#define SC_DEFAULT_STORAGE_ROOT	"/var/lib/containers/storage"	/* podman, CRI-O */
#define SC_DEFAULT_DOCKER_ROOT	"/var/lib/docker"

#endif
