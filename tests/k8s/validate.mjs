#!/usr/bin/env node
// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Offline schema check of Kubernetes manifests, no cluster needed:
//   bash tests/k8s/setup.sh && node tests/k8s/validate.mjs FILE...
// Each FILE is YAML (one or more documents) or JSON (.json); a v1 List is checked item
// by item. One line per document:
//   ok FILE KIND NAME | skip FILE KIND NAME | invalid FILE KIND NAME: PATH: MESSAGE; ...
// Exit status: 0 all valid, 1 some invalid, 2 usage error or a file unreadable or not
// parseable (said on stderr as "error FILE: ...").
//
// - Built-in kinds (any apiVersion/kind kubernetes-models has a model of: v1 Namespace,
//   ServiceAccount, ConfigMap, Pod, apps/v1 DaemonSet...): the model is constructed and
//   its validate() called. kubernetes-models checks types, enums and required fields
//   but lets unknown fields through, which the API server refuses (kubectl's default
//   field validation is Strict): this script reports them too, as the fields of an
//   object the model's validator never looked at (not checked: objects whose keys it
//   enumerates, maps such as labels, or never reads, free-form ones; and the fields
//   named description or x-kubernetes-*, which its validators never read).
// - security-profiles-operator.x-k8s.io SeccompProfile: ajv against the openAPIV3Schema
//   of that version in spo-seccompprofile-crd.yaml (next to this file), made to act as
//   the API server does with a structural schema: unknown fields are errors, a list of
//   x-kubernetes-list-type set or map has no duplicates, int32/int64 are range-checked;
//   metadata.name must be a DNS-1123 subdomain.
// - kustomize.config.k8s.io Kustomization and Component: "skip".
// - Anything else: invalid, "no schema for APIVERSION KIND".
// YAML is read as YAML 1.2 (js-yaml): unquoted yes/no/on/off are strings here, booleans
// for kubectl.
//
// The npm packages come from ${SYSCENSUS_NPM_DIR:-<repo>/build/npm}, where setup.sh
// installs them (NODE_PATH does not apply to ES modules): js-yaml and ajv are loaded
// with createRequire() from that directory, kubernetes-models (import-only) by the file
// its package.json "exports" name for APIVERSION/KIND.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = process.env.SYSCENSUS_NPM_DIR
	? path.resolve(process.env.SYSCENSUS_NPM_DIR)
	: path.resolve(here, "..", "..", "build", "npm");
const modules = path.join(npmDir, "node_modules");

function die(msg) {
	process.stderr.write(`validate.mjs: ${msg}\n`);
	process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => f === "-h" || f === "--help"))
	die("usage: node tests/k8s/validate.mjs FILE... (YAML or JSON manifests)");
if (!existsSync(path.join(modules, "kubernetes-models", "package.json")))
	die(`no npm packages in ${npmDir}: run tests/k8s/setup.sh first`);

const require = createRequire(path.join(npmDir, "package.json"));
const yaml = require("js-yaml");
const ajvModule = require("ajv");
const Ajv = ajvModule.default ?? ajvModule;
const kmDir = path.join(modules, "kubernetes-models");
const kmExports = JSON.parse(readFileSync(path.join(kmDir, "package.json"), "utf8")).exports ?? {};

// ---- paths: ["spec", "containers", 0, "name"] -> spec.containers[0].name

function fmtPath(segs) {
	let s = "";
	for (const k of segs) {
		if (typeof k === "number") s += `[${k}]`;
		else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) s += s ? `.${k}` : k;
		else s += `[${JSON.stringify(k)}]`;
	}
	return s || "(root)";
}

// A JSON pointer (ajv's instancePath) into @root, as path segments (array indexes as numbers).
function pointerSegs(root, pointer) {
	const segs = [];
	let node = root;
	for (const raw of pointer.split("/").slice(1)) {
		const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
		const k = Array.isArray(node) && /^[0-9]+$/.test(key) ? Number(key) : key;
		segs.push(k);
		node = node != null && typeof node === "object" ? node[k] : undefined;
	}
	return { segs, value: node };
}

function shown(v) {
	const s = JSON.stringify(v);
	return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// An ajv error as {path, message}, with the value or the allowed values where it helps.
function fromAjv(root, e) {
	const { segs, value } = pointerSegs(root, e.instancePath ?? "");
	const p = e.params ?? {};
	let message = e.message ?? e.keyword;
	if (e.keyword === "additionalProperties" && p.additionalProperty !== undefined) {
		segs.push(p.additionalProperty);
		message = `unknown field ${JSON.stringify(p.additionalProperty)}`;
	} else if (e.keyword === "required" && p.missingProperty !== undefined) {
		segs.push(p.missingProperty);
		message = "required";
	} else if (e.keyword === "uniqueItems" && p.i !== undefined) {
		message = `items ${Math.min(p.i, p.j)} and ${Math.max(p.i, p.j)} are the same (a list of type set)`;
	} else if (e.keyword === "enum" && Array.isArray(p.allowedValues)) {
		message = `${shown(value)}: must be one of ${p.allowedValues.join(", ")}`;
	} else if (e.keyword === "type" || e.keyword === "format" || e.keyword === "pattern" ||
		   e.keyword === "minimum" || e.keyword === "maximum") {
		message += ` (got ${shown(value)})`;
	}
	return { path: fmtPath(segs), message };
}

// ajv's errors; a format error is left out where the type is already wrong.
function ajvErrors(root, errs) {
	const typeWrong = new Set(errs.filter((e) => e.keyword === "type").map((e) => e.instancePath));
	return errs.filter((e) => !(e.keyword === "format" && typeWrong.has(e.instancePath))).map((e) => fromAjv(root, e));
}

// ---- built-in kinds: kubernetes-models

// kubernetes-models' generated validators omit the properties named "description" and
// "x-kubernetes-*" (PriorityClass.description, JSONSchemaProps' extensions...), the only
// declared ones of its 683 models they never read: never reported as unknown.
const NEVER_READ = (k) => k === "description" || k.startsWith("x-kubernetes-");

// Records which properties of each object (and of the objects below it) are read, and
// whether its keys are enumerated, while a model's validator runs on it.
function tracker() {
	const seen = new WeakMap();
	const proxies = new WeakMap();
	const wrap = (v) => {
		if (v === null || typeof v !== "object") return v;
		let p = proxies.get(v);
		if (p) return p;
		const rec = { read: new Set(), enumerated: false };
		seen.set(v, rec);
		p = new Proxy(v, {
			get(t, k) {
				if (typeof k === "string") rec.read.add(k);
				return wrap(Reflect.get(t, k, t));
			},
			has(t, k) {
				if (typeof k === "string") rec.read.add(k);
				return Reflect.has(t, k);
			},
			ownKeys(t) {
				rec.enumerated = true;
				return Reflect.ownKeys(t);
			},
		});
		proxies.set(v, p);
		return p;
	};
	const unknown = (node, segs, out) => {
		if (Array.isArray(node)) {
			node.forEach((v, i) => unknown(v, [...segs, i], out));
		} else if (node !== null && typeof node === "object") {
			const rec = seen.get(node);
			const checked = rec !== undefined && !rec.enumerated && rec.read.size > 0;
			for (const k of Object.keys(node)) {
				if (checked && !rec.read.has(k) && !NEVER_READ(k))
					out.push({ path: fmtPath([...segs, k]), message: `unknown field ${JSON.stringify(k)}` });
				else
					unknown(node[k], [...segs, k], out);
			}
		}
		return out;
	};
	return { wrap, unknown: (root) => unknown(root, [], []) };
}

const builtinCache = new Map();

async function builtinModel(apiVersion, kind) {
	const key = `${apiVersion} ${kind}`;
	if (builtinCache.has(key)) return builtinCache.get(key);
	let model = null;
	const target = kmExports[`./${apiVersion}/*`]?.import;
	if (typeof target === "string" && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
		const file = path.join(kmDir, target.replace("*", kind));
		if (existsSync(file)) {
			const M = (await import(pathToFileURL(file).href))[kind];
			if (typeof M === "function" && M.apiVersion === apiVersion && M.kind === kind)
				model = M;
		}
	}
	builtinCache.set(key, model);
	return model;
}

function validateBuiltin(M, doc) {
	const model = new M(doc);
	const t = tracker();
	const errors = [];
	try {
		t.wrap(model).validate();
	} catch (e) {
		if (!Array.isArray(e?.errors))
			throw e;
		errors.push(...ajvErrors(model, e.errors));
	}
	return errors.concat(t.unknown(model));
}

// ---- SeccompProfile: the SPO CRD's schema, with ajv

const crdFile = path.join(here, "spo-seccompprofile-crd.yaml");
let crd = null;
let ajv = null;
const spoCache = new Map();

// An openAPIV3Schema as the API server applies it to a structural schema.
function structural(s) {
	if (Array.isArray(s))
		return s.map(structural);
	if (s === null || typeof s !== "object")
		return s;
	const o = {};
	for (const [k, v] of Object.entries(s))
		o[k] = k === "enum" || k === "default" || k === "example" || k === "required" ? v : structural(v);
	if (o.type === "object" && o.properties && o.additionalProperties === undefined &&
	    o["x-kubernetes-preserve-unknown-fields"] !== true)
		o.additionalProperties = false;
	if (o.type === "array" && (o["x-kubernetes-list-type"] === "set"))
		o.uniqueItems = true;
	return o;
}

function intFormat(bits) {
	// YAML numbers are doubles: the int64 bounds are inclusive so that 2^63-1, which
	// rounds to 2^63, is not refused.
	const max = 2 ** (bits - 1);
	return { type: "number", validate: (n) => Number.isInteger(n) && n >= -max && n <= (bits === 64 ? max : max - 1) };
}

function newAjv() {
	const a = new Ajv({ strict: false, allErrors: true, useDefaults: false });
	a.addFormat("int32", intFormat(32));
	a.addFormat("int64", intFormat(64));
	a.addFormat("date-time", /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
	// x-kubernetes-list-type map: no two items with the same values of these keys
	a.addKeyword({
		keyword: "x-kubernetes-list-map-keys",
		type: "array",
		schemaType: "array",
		validate: function listMapKeys(keys, data) {
			const first = new Map();
			listMapKeys.errors = [];
			data.forEach((item, i) => {
				const id = JSON.stringify(keys.map((k) => item?.[k]));
				if (first.has(id))
					listMapKeys.errors.push({ keyword: "x-kubernetes-list-map-keys", params: {},
						message: `items ${first.get(id)} and ${i} have the same ${keys.join(", ")}` });
				else
					first.set(id, i);
			});
			return listMapKeys.errors.length === 0;
		},
	});
	return a;
}

function spoValidator(apiVersion, kind) {
	const key = `${apiVersion} ${kind}`;
	if (spoCache.has(key)) return spoCache.get(key);
	crd ??= yaml.load(readFileSync(crdFile, "utf8"));
	ajv ??= newAjv();
	const [group, version] = apiVersion.split("/");
	const v = group === crd.spec.group && kind === crd.spec.names.kind
		? crd.spec.versions.find((x) => x.name === version && x.served) : undefined;
	const fn = v ? ajv.compile(structural(v.schema.openAPIV3Schema)) : null;
	spoCache.set(key, fn);
	return fn;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateSpo(fn, doc) {
	const errors = fn(doc) ? [] : ajvErrors(doc, fn.errors);
	const meta = doc.metadata;
	if (meta !== null && typeof meta === "object" && !Array.isArray(meta)) {
		const name = meta.name;
		if (name === undefined && meta.generateName === undefined)
			errors.push({ path: "metadata.name", message: "required" });
		else if (name !== undefined && (typeof name !== "string" || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)))
			errors.push({ path: "metadata.name", message: `${shown(name)} is not a DNS-1123 subdomain (at most 253 ` +
				"characters: dot-separated parts of a-z, 0-9 and '-', each starting and ending with a letter or digit)" });
	} else if (meta === undefined) {
		errors.push({ path: "metadata", message: "required" });
	}
	return errors;
}

// ---- documents

async function check(file, doc) {
	if (doc === null || typeof doc !== "object" || Array.isArray(doc))
		return { kind: "-", name: "-", errors: [{ path: "(root)", message: "a document must be an object" }] };
	const kind = typeof doc.kind === "string" && doc.kind ? doc.kind : "-";
	const m = doc.metadata;
	const name = (m && typeof m === "object" && (m.name ?? m.generateName)) || "-";
	const apiVersion = doc.apiVersion;
	if (typeof apiVersion !== "string" || !apiVersion || kind === "-")
		return { kind, name, errors: [{ path: "(root)", message: "apiVersion and kind are required" }] };
	if (apiVersion.startsWith("kustomize.config.k8s.io/") && (kind === "Kustomization" || kind === "Component"))
		return { kind, name, skip: true };
	const M = await builtinModel(apiVersion, kind);
	if (M)
		return { kind, name, errors: validateBuiltin(M, doc) };
	const spo = spoValidator(apiVersion, kind);
	if (spo)
		return { kind, name, errors: validateSpo(spo, doc) };
	return { kind, name, errors: [{ path: "(root)", message: `no schema for ${apiVersion} ${kind}` }] };
}

function documents(file, text) {
	if (file.endsWith(".json"))
		return [JSON.parse(text)];
	return yaml.loadAll(text, null, { filename: file }).filter((d) => d !== null && d !== undefined);
}

let invalid = 0;
let broken = 0;
for (const file of files) {
	let docs;
	try {
		docs = documents(file, readFileSync(file === "-" ? 0 : file, "utf8"));
	} catch (e) {
		process.stderr.write(`error ${file}: ${e.code ? `cannot read: ${e.code}` : e.message.split("\n")[0]}\n`);
		broken++;
		continue;
	}
	// a v1 List is checked item by item
	docs = docs.flatMap((d) => d?.apiVersion === "v1" && d?.kind === "List" && Array.isArray(d.items) ? d.items : [d]);
	for (const doc of docs) {
		const r = await check(file, doc);
		if (r.skip) {
			console.log(`skip ${file} ${r.kind} ${r.name}`);
		} else if (r.errors.length === 0) {
			console.log(`ok ${file} ${r.kind} ${r.name}`);
		} else {
			const msgs = [...new Set(r.errors.map((e) => `${e.path}: ${e.message}`))];
			console.log(`invalid ${file} ${r.kind} ${r.name}: ${msgs.join("; ")}`);
			invalid++;
		}
	}
}
process.exit(broken ? 2 : invalid ? 1 : 0);
