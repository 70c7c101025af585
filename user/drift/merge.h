/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What `propose` changes in a committed profile: the observed calls it refuses added
 * to its first plain ALLOW rule (or a new one), optionally the permissions unused for
 * long enough removed, everything else of the file kept as the team wrote it.
 */
#ifndef SC_MERGE_H
#define SC_MERGE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "census/census.h"
#include "seccomp/profile.h"

struct sc_change {
	const struct sc_image *img;
	const char *name;		/* the image name the profile is of: its key or an alias */
	char rel[PATH_MAX];		/* the profile's path in the repository */
	bool created;			/* no profile was committed: a new one */
	const char **added;		/* observed, refused by the committed profile */
	const char **conditional;	/* observed, allowed for some arguments: left as written */
	/* argument values observed that the committed rules refuse: one rule each is added */
	struct sc_arg_value *added_values;
	const char **added_values_names;	/* the syscall of each */
	size_t n_added_values, cap_added_values, cap_added_values_names;
	char **removed;			/* pruned (copies: the names leave the document) */
	size_t n_added, n_conditional, n_removed;
	size_t cap_added, cap_conditional, cap_removed;
};

struct sc_prune {
	bool on;
	int64_t after;		/* seconds unused before a permission is removed */
	int64_t now;
};

/*
 * The committed profile @path with @ch->img's refused calls added (and, with @prune,
 * unused ones removed); @ch gets the names. A call the profile allows for some arguments
 * only gets a rule per observed argument value it refuses (generate.h's rules, when the
 * image's values are all known), the team's conditions kept as written. The file is parsed once, evaluated as the
 * kernel would apply it (drift__evaluate). NULL, with @err saying why, when it cannot
 * be read, parsed or compiled.
 */
cJSON *drift__merge(struct sc_change *ch, const char *path, const struct sc_eval_ctx *ctx,
		    const struct sc_prune *prune, char *err, size_t errlen);
void drift__change_free(struct sc_change *ch);

#endif
