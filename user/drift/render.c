// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Findings and denials printed for people (text, markdown for a pull request or a CI
 * summary) and for programs (one JSON document). One renderer per format; the
 * deployed view reuses the same lines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "census/status.h"
#include "drift/drift.h"
#include "lib/json.h"
#include "lib/util.h"
#include "seccomp/filter.h"
#include "seccomp/syscalls.h"

#define UNUSED_SHOWN	40	/* names of unused permissions listed in text; all of them in JSON */

/* ---- text ---- */

/* A denial's columns, as every renderer prints them. */
struct denial_cols {
	char name[32], action[48], last[32];
	const char *arch;
};

static void denial_cols(const struct sc_denial *d, struct denial_cols *c)
{
	const struct sc_arch *arch = arch_of_abi(d->abi);
	const char *name = syscall_label(d->abi, d->nr, c->name, sizeof(c->name));

	if (name != c->name)
		snprintf(c->name, sizeof(c->name), "%s", name);
	c->arch = arch ? arch->docker : "?";
	action_str(d->ret, c->action, sizeof(c->action));
	sc_fmt_time(d->last, c->last, sizeof(c->last));
}

static void text_denials(const struct sc_image *img)
{
	struct denial_cols c;

	for (size_t k = 0; k < img->n_denied; k++) {
		denial_cols(&img->denied[k], &c);
		printf("  %-11s %-20s %-18s %8llu calls  enforced filter gave %s, last %s\n", "DENIED", c.name, c.arch,
		       (unsigned long long)img->denied[k].count, c.action, c.last);
	}
}

/* BREAKING and CONDITIONAL lines; @who is "profile" or "deployed profile" */
static void text_findings(const struct sc_eval *ev, const char *who)
{
	for (size_t k = 0; k < ev->n_f; k++) {
		const struct sc_finding *f = &ev->f[k];
		char v[48];

		if (f->kind == SC_UNUSED)
			continue;
		action_str(f->ret, v, sizeof(v));
		printf("  %-11s %-20s %-18s %8llu calls  %s gives %s%s%s\n",
		       f->kind == SC_BREAKING ? "BREAKING" : "CONDITIONAL", f->name, f->arch,
		       (unsigned long long)f->count, who, v, f->detail ? ": " : "", f->detail ? f->detail : "");
	}
}

/* The unused names, at most UNUSED_SHOWN of them, each printed with @fmt. */
static void unused_names(const struct sc_eval *ev, const char *fmt)
{
	size_t shown = 0;

	for (size_t k = 0; k < ev->n_f; k++) {
		if (ev->f[k].kind != SC_UNUSED)
			continue;
		if (shown == UNUSED_SHOWN) {
			printf(" ... (+%zu more)", (size_t)ev->n[SC_UNUSED] - shown);
			break;
		}
		printf(shown ? " " : "");
		printf(fmt, ev->f[k].name);
		shown++;
	}
}

static bool has_findings(const struct sc_eval *ev)
{
	return ev->n[SC_BREAKING] || ev->n[SC_CONDITIONAL] || ev->n[SC_UNUSED] || (ev->img->n_denied && !eval_is_alias(ev));
}

/* ", on 3 nodes" for a census from the cluster view, "" for one agent's. */
static const char *on_nodes(const struct sc_image *img, char *buf, size_t len)
{
	if (!img->nodes)
		return "";
	snprintf(buf, len, ", on %u node%s", img->nodes, img->nodes == 1 ? "" : "s");
	return buf;
}

static void text_image(const struct sc_eval *ev)
{
	const struct sc_image *img = ev->img;
	char t1[32], t2[32], nb[32], wl[1024];

	if (!ev->has_profile) {
		if (img->n_denied && !eval_is_alias(ev)) {
			printf("%s  (no profile)\n", eval_name(ev));
			text_denials(img);
		}
		return;
	}
	sc_fmt_time(img->first, t1, sizeof(t1));
	sc_fmt_time(img->last, t2, sizeof(t2));
	printf("%s  (profile %s; observed %s to %s, %llu containers%s)\n", eval_name(ev), ev->profile, t1, t2,
	       (unsigned long long)img->ctrs_total, on_nodes(img, nb, sizeof(nb)));
	if (image__workloads(img, wl, sizeof(wl)))
		printf("  runs in: %s (workloads inferred from the pod names)\n", wl);
	if (ev->error) {
		printf("  ERROR %s\n", ev->error);
		return;
	}
	if (!eval_is_alias(ev))
		text_denials(img);
	text_findings(ev, "profile");
	if (ev->n[SC_UNUSED]) {
		printf("  unused (%u, allowed and never observed): ", ev->n[SC_UNUSED]);
		unused_names(ev, "%s");
		printf("\n");
	}
	if (!has_findings(ev))
		printf("  ok: every observed syscall is allowed, nothing unused\n");
}

/* Totals over the report: breaking, denied now, conditional, unused, unprofiled. */
struct totals {
	unsigned n[SC_FINDING_KINDS], denied, unprofiled;
};

static struct totals totals(const struct sc_drift *d)
{
	struct totals t = {};

	for (size_t i = 0; i < d->n; i++) {
		if (!eval_is_alias(&d->ev[i]))
			t.denied += d->ev[i].img->n_denied;	/* once per image, not per name */
		if (!d->ev[i].has_profile) {
			t.unprofiled++;
			continue;
		}
		for (int k = 0; k < SC_FINDING_KINDS; k++)
			t.n[k] += d->ev[i].n[k];
	}
	return t;
}

static void render_text(const struct sc_drift *d)
{
	struct totals t = totals(d);

	for (size_t i = 0; i < d->n; i++)
		text_image(&d->ev[i]);
	if (t.unprofiled) {
		printf("unprofiled (observed, no profile):\n");
		for (size_t i = 0; i < d->n; i++)
			if (!d->ev[i].has_profile)
				printf("  %s\n", eval_name(&d->ev[i]));
	}
	if (d->n_stale) {
		printf("stale (profile, image not observed):\n");
		for (size_t i = 0; i < d->n_stale; i++)
			printf("  %s\n", d->stale[i]);
	}
	printf("summary: %u breaking, %u denied now, %u conditional, %u unused, %u unprofiled, %zu stale",
	       t.n[SC_BREAKING], t.denied, t.n[SC_CONDITIONAL], t.n[SC_UNUSED], t.unprofiled, d->n_stale);
	if (d->nodes)
		printf("; observed on %u node%s", d->nodes, d->nodes == 1 ? "" : "s");
	printf("\n");
}

/* ---- markdown ---- */

static void md_denials(const struct sc_image *img)
{
	struct denial_cols c;

	for (size_t k = 0; k < img->n_denied; k++) {
		denial_cols(&img->denied[k], &c);
		printf("| DENIED | `%s` | %s | %llu | %s (enforced filter, last %s) |\n", c.name, c.arch,
		       (unsigned long long)img->denied[k].count, c.action, c.last);
	}
}

static void md_image(const struct sc_eval *ev)
{
	const struct sc_image *img = ev->img;
	char t1[32], t2[32], v[48], nb[32], safe[4200], wl[1024];

	if (!ev->has_profile) {
		if (img->n_denied && !eval_is_alias(ev)) {
			printf("### `%s` (no profile)\n\n| | syscall | ABI | calls | |\n|---|---|---|---|---|\n",
			       sc_inline_name(eval_name(ev), safe, sizeof(safe)));
			md_denials(img);
			printf("\n");
		}
		return;
	}
	sc_fmt_time(img->first, t1, sizeof(t1));
	sc_fmt_time(img->last, t2, sizeof(t2));
	printf("### `%s`\n\nObserved %s to %s in %llu container(s)%s; profile `%s`.\n\n",
	       sc_inline_name(eval_name(ev), safe, sizeof(safe)), t1, t2,
	       (unsigned long long)img->ctrs_total, on_nodes(img, nb, sizeof(nb)), ev->profile);
	if (image__workloads(img, wl, sizeof(wl)))
		printf("Runs in: %s (workloads inferred from the pod names).\n\n", sc_inline_name(wl, safe, sizeof(safe)));
	if (ev->error) {
		printf("**error**: %s\n\n", ev->error);
		return;
	}
	if (has_findings(ev))
		printf("| | syscall | ABI | calls | profile gives |\n|---|---|---|---|---|\n");
	if (!eval_is_alias(ev))
		md_denials(img);
	for (size_t k = 0; k < ev->n_f; k++) {
		const struct sc_finding *f = &ev->f[k];

		if (f->kind == SC_UNUSED)
			continue;
		action_str(f->ret, v, sizeof(v));
		printf("| %s | `%s` | %s | %llu | %s%s%s |\n", sc_finding_names[f->kind], f->name, f->arch,
		       (unsigned long long)f->count, v, f->detail ? ": " : "", f->detail ? f->detail : "");
	}
	if (ev->n[SC_UNUSED]) {
		printf("| unused | ");
		unused_names(ev, "`%s`");
		printf(" | | | allowed, never observed |\n");
	}
	printf("\n");
}

static void render_md(const struct sc_drift *d)
{
	struct totals t = totals(d);
	char safe[4200];

	printf("## syscensus: observed syscalls against the profiles\n\n");
	for (size_t i = 0; i < d->n; i++)
		md_image(&d->ev[i]);
	if (t.unprofiled) {
		printf("### Images without a profile\n\n");
		for (size_t i = 0; i < d->n; i++)
			if (!d->ev[i].has_profile)
				printf("- `%s`\n", sc_inline_name(eval_name(&d->ev[i]), safe, sizeof(safe)));
		printf("\n");
	}
	if (d->n_stale) {
		printf("### Profiles of images not observed\n\n");
		for (size_t i = 0; i < d->n_stale; i++)
			printf("- `%s`\n", d->stale[i]);
		printf("\n");
	}
	printf("**%u breaking, %u denied now, %u conditional, %u unused, %u unprofiled, %zu stale**",
	       t.n[SC_BREAKING], t.denied, t.n[SC_CONDITIONAL], t.n[SC_UNUSED], t.unprofiled, d->n_stale);
	if (d->nodes)
		printf(" (observed on %u node%s)", d->nodes, d->nodes == 1 ? "" : "s");
	printf("\n");
}

/* ---- JSON ---- */

static cJSON *finding_json(const struct sc_finding *f)
{
	cJSON *e = cJSON_CreateObject();
	char v[48];

	if (!e)
		return NULL;
	cJSON_AddStringToObject(e, "syscall", f->name);
	cJSON_AddStringToObject(e, "arch", f->arch);
	if (f->kind != SC_UNUSED)
		cJSON_AddItemToObject(e, "calls", json_u64_node(f->count));
	action_str(f->ret, v, sizeof(v));
	cJSON_AddStringToObject(e, "action", v);
	if (f->detail)
		cJSON_AddStringToObject(e, "conditions", f->detail);
	if (f->n_values) {
		/* the argument values observed that the profile refuses (record's encoding) */
		cJSON *vals = cJSON_AddArrayToObject(e, "refused_values");

		for (size_t k = 0; vals && k < f->n_values; k++)
			cJSON_AddItemToArray(vals, json_u64_node(f->values[k]));
	}
	return e;
}

/* One array per kind of finding, up to @kinds, in @o. */
static void findings_json(cJSON *o, const struct sc_eval *ev, int kinds)
{
	for (int kind = 0; kind < kinds; kind++) {
		cJSON *arr = cJSON_AddArrayToObject(o, sc_finding_names[kind]);

		for (size_t j = 0; arr && j < ev->n_f; j++)
			if (ev->f[j].kind == (enum sc_finding_kind)kind)
				cJSON_AddItemToArray(arr, finding_json(&ev->f[j]));
	}
}

static cJSON *denials_json(const struct sc_image *img)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t k = 0; arr && k < img->n_denied; k++)
		cJSON_AddItemToArray(arr, denial__json(&img->denied[k]));
	return arr;
}

static cJSON *image_json(const struct sc_eval *ev)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "image", eval_name(ev));
	if (eval_is_alias(ev))
		cJSON_AddStringToObject(o, "same_image_as", ev->img->key);	/* its denials are listed there */
	else
		cJSON_AddItemToObject(o, "denied", denials_json(ev->img));
	if (!ev->has_profile) {
		cJSON_AddStringToObject(o, "status", "unprofiled");
		return o;
	}
	cJSON_AddStringToObject(o, "profile", ev->profile);
	sc_fmt_time(ev->img->first, t, sizeof(t));
	cJSON_AddStringToObject(o, "observed_from", t);
	sc_fmt_time(ev->img->last, t, sizeof(t));
	cJSON_AddStringToObject(o, "observed_to", t);
	if (ev->img->nodes)
		cJSON_AddNumberToObject(o, "nodes", ev->img->nodes);
	if (ev->error) {
		cJSON_AddStringToObject(o, "status", "error");
		cJSON_AddStringToObject(o, "error", ev->error);
		return o;
	}
	cJSON_AddStringToObject(o, "status", ev->n[SC_BREAKING] ? "breaking" : "ok");
	findings_json(o, ev, SC_FINDING_KINDS);
	return o;
}

static int render_json(const struct sc_drift *d)
{
	cJSON *doc = cJSON_CreateObject(), *imgs, *arr;

	if (!doc)
		return -ENOMEM;
	imgs = cJSON_AddArrayToObject(doc, "images");
	for (size_t i = 0; imgs && i < d->n; i++)
		cJSON_AddItemToArray(imgs, image_json(&d->ev[i]));
	if (d->nodes)
		cJSON_AddNumberToObject(doc, "nodes", d->nodes);
	arr = cJSON_AddArrayToObject(doc, "stale");
	for (size_t i = 0; arr && i < d->n_stale; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(d->stale[i]));
	return json_print(doc);
}

int drift__render(const struct sc_drift *d, enum sc_format fmt)
{
	switch (fmt) {
	case SC_FMT_JSON:
		return render_json(d);
	case SC_FMT_MARKDOWN:
		render_md(d);
		break;
	default:
		render_text(d);
		break;
	}
	return ferror(stdout) ? -EIO : 0;
}

/* ---- the deployed view ---- */

static const char *mode_name(int mode)
{
	return mode == 2 ? "filter" : mode == 0 ? "none" : "strict";
}

static cJSON *deployed_json(const struct sc_deployed *d)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "container", d->id);
	if (d->name)
		cJSON_AddStringToObject(o, "name", d->name);
	if (d->pod.name)
		cJSON_AddItemToObject(o, "pod", pod__json(&d->pod));
	if (d->requested[0])
		cJSON_AddStringToObject(o, "requested_profile", d->requested);
	cJSON_AddStringToObject(o, "image", d->image ? d->image : "");
	cJSON_AddNumberToObject(o, "pid", d->pid);
	cJSON_AddStringToObject(o, "seccomp", mode_name(d->mode));
	cJSON_AddNumberToObject(o, "filters", d->filters);
	cJSON_AddStringToObject(o, "profile", d->ev.has_profile ? d->ev.profile : "");
	cJSON_AddBoolToObject(o, "observed", d->observed);
	if (d->ev.error)
		cJSON_AddStringToObject(o, "error", d->ev.error);
	findings_json(o, &d->ev, SC_UNUSED);	/* breaking and conditional */
	cJSON_AddItemToObject(o, "denied", json_u64_node(d->ev.img->n_denied));
	return o;
}

/* "ns/pod (container)" of a pod's container, or its name, or "-" */
static const char *who(const struct sc_deployed *d, char *buf, size_t len)
{
	char raw[600];

	if (d->pod.name)
		snprintf(raw, sizeof(raw), "%s/%s (%s)", d->pod.ns ? d->pod.ns : "?", d->pod.name, d->name ? d->name : "?");
	else
		snprintf(raw, sizeof(raw), "%s", d->name ? d->name : "-");
	/* names from the runtimes: no control character, no backtick (markdown) */
	return sc_inline_name(raw, buf, len);
}

static void deployed_text(const struct sc_deployed *d)
{
	char w[600];

	printf("%.12s  %s  %s  pid %d: %s", d->id, who(d, w, sizeof(w)), d->image ? d->image : "(image unknown)",
	       d->pid, d->mode == 0 ? "UNCONFINED: no seccomp filter" : d->mode == 2 ? "seccomp filter" : "strict");
	if (d->mode == 2)
		printf(" (%d filter%s)%s%s", d->filters, d->filters == 1 ? "" : "s",
		       d->ev.has_profile ? ", profile " : ", profile not found in the bundle", d->ev.has_profile ? d->ev.profile : "");
	if (d->requested[0])
		printf("; the pod asked for %s", d->requested);
	printf("%s\n", d->observed ? "" : "; not observed by the agent");
	if (d->ev.error)
		printf("  ERROR %s\n", d->ev.error);
	text_findings(&d->ev, "deployed profile");
	text_denials(d->ev.img);
}

int drift__render_deployed(const struct sc_deployment *dep, enum sc_format fmt)
{
	cJSON *doc = NULL, *arr = NULL;

	if (fmt == SC_FMT_JSON && (!(doc = cJSON_CreateObject()) || !(arr = cJSON_AddArrayToObject(doc, "deployed")))) {
		cJSON_Delete(doc);
		return -ENOMEM;
	}
	if (fmt == SC_FMT_MARKDOWN)
		printf("## syscensus: observed syscalls against the deployed profiles\n\n"
		       "| container | image | seccomp | breaking | denied | conditional |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < dep->n; i++) {
		const struct sc_deployed *d = &dep->v[i];

		if (fmt == SC_FMT_JSON)
			cJSON_AddItemToArray(arr, deployed_json(d));
		else if (fmt == SC_FMT_MARKDOWN)
			printf("| `%.12s` | `%s` | %s | %u | %zu | %u |\n", d->id, d->image ? d->image : "?",
			       d->mode == 0 ? "**none (unconfined)**" : mode_name(d->mode), d->ev.n[SC_BREAKING],
			       d->ev.img->n_denied, d->ev.n[SC_CONDITIONAL]);
		else
			deployed_text(d);
	}
	if (fmt == SC_FMT_JSON)
		return json_print(doc);
	printf(fmt == SC_FMT_MARKDOWN ? "\n**%zu running containers, %u without a seccomp filter**\n"
				      : "summary: %zu running containers, %u without a seccomp filter\n",
	       dep->n, dep->unconfined);
	/* the pods that run Unconfined, by name: what a platform team acts on */
	size_t n = 0;

	for (size_t i = 0; i < dep->n; i++) {
		char w[600];

		if (dep->v[i].mode != 0 || !dep->v[i].pod.name)
			continue;
		printf("%s%s", n++ ? ", " : fmt == SC_FMT_MARKDOWN ? "\nPods running Unconfined: " : "pods running Unconfined: ",
		       who(&dep->v[i], w, sizeof(w)));
	}
	if (n)
		printf("\n");
	return ferror(stdout) ? -EIO : 0;
}
