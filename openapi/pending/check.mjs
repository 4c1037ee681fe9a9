#!/usr/bin/env node
/**
 * Checks the pending spec (every openapi/pending/*.yaml, in name order) as if it were part of
 * alpacon.yaml, without changing alpacon.yaml: merges them in memory (refusing any operation,
 * component or tag defined twice; a pending file may add methods to a path alpacon.yaml has),
 * lints the result with openapi/redocly.yaml, generates types from it with openapi-typescript,
 * and validates every payload of openapi/pending/corpus/ against it, `full` entries as they are
 * and `shape` entries for structure and types only (the rules of
 * packages/sandbox/test/helpers/contract.ts).
 *
 * `--write` merges the pending files into alpacon.yaml for real (comments and layout of alpacon.yaml
 * are kept). Do that together with the sandbox routes the contract suite then requires, move
 * pending/corpus/* into corpus/, add the SDK readers, and delete this folder.
 *
 * Usage, from the repository root: node openapi/pending/check.mjs [--write]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sandboxRequire = createRequire(join(ROOT, "packages/sandbox/package.json"));
const { parseDocument } = sandboxRequire("yaml");
const Ajv2020 = sandboxRequire("ajv/dist/2020.js").default;
const addFormats = sandboxRequire("ajv-formats").default;

const BASE = join(ROOT, "openapi/alpacon.yaml");
const PENDING_DIR = join(ROOT, "openapi/pending");
const CORPUS = join(ROOT, "openapi/pending/corpus");
const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false };

function merge() {
  const base = parseDocument(readFileSync(BASE, "utf8"));
  const clashes = [];
  const files = readdirSync(PENDING_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .sort();
  for (const file of files) {
    const pending = parseDocument(readFileSync(join(PENDING_DIR, file), "utf8"));
    const addAll = (path, keyOf, onExisting) => {
      const target = base.getIn(path);
      for (const item of pending.getIn(path)?.items ?? []) {
        const key = keyOf(item);
        const existing = target.items.find((other) => keyOf(other) === key);
        if (existing && onExisting) onExisting(existing, item, key);
        else if (existing) clashes.push(`${file}: ${path.join(".")}: ${key}`);
        else target.items.push(item);
      }
    };
    addAll(["tags"], (tag) => tag.get("name"));
    // A path alpacon.yaml already has (e.g. /api/servers/servers/{id}/) takes the new methods;
    // its path-level `parameters` must be the same in both files and are kept once.
    addAll(
      ["paths"],
      (pair) => pair.key.value,
      (existing, item, key) => {
        for (const method of item.value.items) {
          const name = method.key.value;
          const same =
            name === "parameters" &&
            JSON.stringify(method.value.toJSON()) ===
              JSON.stringify(existing.value.get("parameters")?.toJSON());
          if (same) continue;
          if (existing.value.has(name)) clashes.push(`${file}: paths.${key}.${name}`);
          else existing.value.items.push(method);
        }
      },
    );
    for (const kind of ["parameters", "responses", "schemas"]) {
      addAll(["components", kind], (pair) => pair.key.value);
    }
  }
  if (clashes.length > 0) throw new Error(`defined twice:\n  ${clashes.join("\n  ")}`);
  return base;
}

function run(command, args) {
  execFileSync(join(ROOT, command), args, { cwd: ROOT, stdio: "inherit" });
}

const VALUE_KEYWORDS = new Set([
  "required",
  "format",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
]);

/** The `shape` reading of contract.ts: no value constraints, except an envelope's one field. */
function withoutValueKeywords(value) {
  if (Array.isArray(value)) return value.map(withoutValueKeywords);
  if (value === null || typeof value !== "object") return value;
  const properties = value.properties;
  const envelope =
    properties !== null && typeof properties === "object" && Object.keys(properties).length === 1;
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    const keep = key === "required" && (typeof child === "boolean" || envelope);
    if (!VALUE_KEYWORDS.has(key) || keep) out[key] = withoutValueKeywords(child);
  }
  return out;
}

function responsePointer(spec, operationId, status) {
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method];
      if (op?.operationId !== operationId) continue;
      const key = [String(status), `${String(status)[0]}XX`].find((k) => op.responses[k]);
      if (!key) return { error: `${operationId} declares no ${status} response` };
      const escaped = template.replace(/~/g, "~0").replace(/\//g, "~1");
      let pointer = `/paths/${escaped}/${method}/responses/${key}`;
      let response = op.responses[key];
      while (response.$ref) {
        pointer = response.$ref.slice(1);
        response = pointer
          .split("/")
          .slice(1)
          .reduce((acc, part) => acc[part], spec);
      }
      return { pointer: `${pointer}/content/application~1json/schema` };
    }
  }
  return { error: `no operation ${operationId} in the merged spec` };
}

function checkCorpus(spec) {
  const full = new Ajv2020({ strict: false, allErrors: true });
  addFormats(full);
  full.addFormat("password", true);
  full.addSchema(spec, "openapi.json");
  const shape = new Ajv2020({ strict: false, allErrors: true });
  shape.addSchema(withoutValueKeywords(spec), "openapi.json");
  const files = readdirSync(CORPUS, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".json"))
    .sort();
  const failures = [];
  for (const name of files) {
    const entry = JSON.parse(readFileSync(join(CORPUS, name), "utf8"));
    if (!/^alpacax\/alpacon-(cli|mcp)@[0-9a-f]{7}:\S+/.test(entry.source ?? "")) {
      failures.push(`${name}: source must read owner/repo@commit:path`);
      continue;
    }
    const found = responsePointer(spec, entry.operation, entry.status);
    if (found.error) {
      failures.push(`${name}: ${found.error}`);
      continue;
    }
    const validate = (entry.check === "shape" ? shape : full).compile({
      $ref: `openapi.json#${found.pointer}`,
    });
    if (!validate(entry.payload)) {
      const errors = validate.errors
        .slice(0, 5)
        .map((e) => `${e.instancePath || "(root)"} ${e.message}`);
      failures.push(`${name}: ${errors.join("; ")}`);
    }
  }
  console.log(`corpus: ${files.length - failures.length} of ${files.length} payloads accepted`);
  if (failures.length > 0) throw new Error(`corpus payloads refused:\n  ${failures.join("\n  ")}`);
}

process.on("uncaughtException", (error) => {
  // A failed lint or generation has already printed its report.
  console.error(
    error.status === undefined ? String(error.message) : `${error.cmd}: exit ${error.status}`,
  );
  process.exit(1);
});

const merged = merge();
if (process.argv.includes("--write")) {
  writeFileSync(BASE, merged.toString(STRINGIFY));
  console.log("merged into openapi/alpacon.yaml; now run `pnpm generate` and `pnpm lint`");
} else {
  const dir = mkdtempSync(join(tmpdir(), "alpacon-pending-"));
  try {
    const file = join(dir, "alpacon.yaml");
    writeFileSync(file, merged.toString(STRINGIFY));
    run("node_modules/.bin/redocly", ["lint", file, "--config", "openapi/redocly.yaml"]);
    run("packages/sdk/node_modules/.bin/openapi-typescript", [file, "-o", join(dir, "openapi.ts")]);
    checkCorpus(merged.toJS());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
