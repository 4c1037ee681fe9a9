// Editing a client's configuration file without losing anything in it: JSON is changed in place
// with jsonc-parser (VS Code's own parser: other servers, unknown keys, comments and indentation
// stay as they were, so the diff shows only our entry), YAML through yaml's Document API (which
// keeps comments). Files are backed up, then replaced atomically; a file we cannot parse is
// never overwritten.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import {
  chmod,
  copyFile,
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createTwoFilesPatch } from "diff";
import {
  applyEdits,
  type FormattingOptions,
  findNodeAtLocation,
  getNodeValue,
  type Node as JsonNode,
  modify,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { redact } from "../../server/errors.js";
import type { ClientSpec } from "./clients.js";
import { CommandError } from "./context.js";

export interface Plan {
  /** The real file (symbolic links followed). */
  file: string;
  before: string | undefined;
  after: string;
  action: "create" | "update" | "unchanged";
  /** The entry as it will be in the file (other keys of an existing entry kept). */
  entry: Record<string, unknown>;
  warnings: string[];
}

/** Keys that say how to reach a server: replaced together, so a stdio entry has no stale `url`. */
const TRANSPORT_KEYS = new Set(["type", "command", "args", "url", "serverUrl", "headers"]);

/** Reads the file (if any) and computes its new text with the entry added or updated. */
export async function planEdit(
  spec: ClientSpec,
  path: string,
  name: string,
  entry: Record<string, unknown>,
): Promise<Plan> {
  const file = await realpath(path).catch(() => path);
  let before: string | undefined;
  try {
    before = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") {
      throw new CommandError(`cannot read ${file}: ${code ?? (error as Error).message}.`);
    }
  }
  const edit = spec.format === "yaml" ? editYaml : editJson;
  const result = edit(spec, file, before, name, entry);
  const changed = result.changed && result.text !== before;
  const action = before === undefined ? "create" : changed ? "update" : "unchanged";
  return {
    file,
    before,
    after: changed || before === undefined ? result.text : before,
    action,
    entry: result.entry,
    warnings: tokenWarnings(result.entry, name),
  };
}

interface EditResult {
  text: string;
  changed: boolean;
  entry: Record<string, unknown>;
}

function merged(ours: Record<string, unknown>, existing: unknown): Record<string, unknown> {
  if (!isRecord(existing)) return ours;
  const kept = Object.entries(existing).filter(
    ([key]) => !TRANSPORT_KEYS.has(key) && !(key in ours),
  );
  return { ...ours, ...Object.fromEntries(kept) };
}

function editJson(
  spec: ClientSpec,
  file: string,
  before: string | undefined,
  name: string,
  entry: Record<string, unknown>,
): EditResult {
  if (before === undefined || before.trim() === "") {
    const text = `${JSON.stringify({ [spec.key]: { [name]: entry } }, null, 2)}\n`;
    return { text, changed: true, entry };
  }
  const jsonc = spec.format === "jsonc";
  const errors: ParseError[] = [];
  const tree = parseTree(before, errors, {
    allowTrailingComma: jsonc,
    disallowComments: !jsonc,
  });
  const first = errors[0];
  if (first || !tree) {
    const where = first
      ? ` (${printParseErrorCode(first.error)} at ${position(before, first.offset)})`
      : "";
    throw malformed(file, `it is not valid ${jsonc ? "JSON with comments" : "JSON"}${where}`);
  }
  const root = getNodeValue(tree) as unknown;
  if (!isRecord(root)) throw malformed(file, "it does not hold a JSON object");
  const servers = root[spec.key];
  if (servers !== undefined && !isRecord(servers)) {
    throw malformed(file, `its "${spec.key}" is not an object of servers by name`);
  }
  // getNodeValue makes prototype-less objects; a JSON round trip makes them comparable.
  const existing =
    servers?.[name] === undefined ? undefined : JSON.parse(JSON.stringify(servers[name]));
  const next = merged(entry, existing);
  if (isDeepStrictEqual(existing, next)) return { text: before, changed: false, entry: next };
  const options = formatting(before);
  if (existing !== undefined) {
    // The value starts on our own key's line, so formatting it touches nothing else.
    const edits = modify(before, [spec.key, name], next, { formattingOptions: options });
    return { text: applyEdits(before, edits), changed: true, entry: next };
  }
  // A new property: jsonc-parser would reformat the line it is appended to (another server's),
  // so it is inserted here, after the last property, in the file's own indentation.
  const serversNode = findNodeAtLocation(tree, [spec.key]);
  const text = serversNode
    ? insertProperty(before, serversNode, name, next, options)
    : insertProperty(before, tree, spec.key, { [name]: next }, options);
  return { text, changed: true, entry: next };
}

function insertProperty(
  text: string,
  object: JsonNode,
  key: string,
  value: unknown,
  options: FormattingOptions,
): string {
  const unit = options.insertSpaces ? " ".repeat(options.tabSize ?? 2) : "\t";
  const eol = options.eol ?? "\n";
  const lineStart = text.lastIndexOf("\n", object.offset) + 1;
  const outer = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? "";
  const inner = outer + unit;
  const body = JSON.stringify(value, null, unit)
    .split("\n")
    .join(eol + inner);
  const property = `${JSON.stringify(key)}: ${body}`;
  const last = object.children?.at(-1);
  if (!text.trim().includes("\n")) {
    // A minified file stays on one line.
    const compact = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    const at = last ? last.offset + last.length : object.offset + 1;
    return `${text.slice(0, at)}${last ? "," : ""}${compact}${text.slice(at)}`;
  }
  if (last && !text.slice(object.offset, object.offset + object.length).includes("\n")) {
    // `"servers": { "a": {…} }` on one line: jsonc-parser lays that line out again.
    const path = object.parent?.type === "property" ? [object.parent.children![0]!.value] : [];
    return applyEdits(text, modify(text, [...path, key], value, { formattingOptions: options }));
  }
  if (last) {
    const end = last.offset + last.length;
    return `${text.slice(0, end)},${eol}${inner}${property}${text.slice(end)}`;
  }
  const open = object.offset + 1;
  const close = object.offset + object.length - 1;
  const between = text.slice(open, close);
  return between.trim() === ""
    ? `${text.slice(0, open)}${eol}${inner}${property}${eol}${outer}${text.slice(close)}`
    : `${text.slice(0, open)}${eol}${inner}${property}${text.slice(open)}`;
}

function editYaml(
  spec: ClientSpec,
  file: string,
  before: string | undefined,
  name: string,
  entry: Record<string, unknown>,
): EditResult {
  const ours = { name, ...entry };
  if (before === undefined || before.trim() === "") {
    // Continue needs name, version and schema at the top of every config and block file.
    const doc = new Document({ name: "Alpacon", version: "0.1.0", schema: "v1", [spec.key]: [] });
    (doc.get(spec.key, true) as YAMLSeq).add(yamlEntry(doc, ours));
    return { text: doc.toString(YAML_OPTIONS), changed: true, entry: ours };
  }
  const doc = parseDocument(before);
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0];
    throw malformed(
      file,
      `it is not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ""}`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw malformed(file, "it does not hold a YAML mapping");
  }
  let list = doc.get(spec.key, true);
  if (list === undefined || list === null) {
    list = doc.createNode([]);
    doc.set(spec.key, list);
  }
  if (!isSeq(list)) throw malformed(file, `its "${spec.key}" is not a list`);
  const index = list.items.findIndex((item) => isMap(item) && item.get("name") === name);
  const existing: unknown = index >= 0 ? (list.items[index] as YAMLMap).toJSON() : undefined;
  const next = merged(ours, existing);
  if (isDeepStrictEqual(existing, next)) return { text: before, changed: false, entry: next };
  const node = yamlEntry(doc, next);
  if (index >= 0) list.items[index] = node;
  else list.add(node);
  return { text: doc.toString(YAML_OPTIONS), changed: true, entry: next };
}

/** `[-y, "@alpacon/mcp"]` rather than `[ -y, "@alpacon/mcp" ]`, as Continue's docs write lists. */
const YAML_OPTIONS = { flowCollectionPadding: false };

function yamlEntry(doc: Document, entry: Record<string, unknown>): YAMLMap {
  const node = doc.createNode(entry) as YAMLMap;
  const args = node.get("args", true);
  if (isSeq(args)) args.flow = true; // args: [-y, "@alpacon/mcp"], as Continue's docs write them
  return node;
}

/** Keeps the file's own indentation and line endings. */
function formatting(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith("\t")) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}

function position(text: string, offset: number): string {
  const lines = text.slice(0, offset).split("\n");
  return `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1}`;
}

function malformed(file: string, why: string): CommandError {
  return new CommandError(
    `${file} was left untouched: ${why}. Fix it (or move it away) and run setup again.`,
  );
}

/** An existing entry that passes a token in `env` (we never write one) is pointed out. */
function tokenWarnings(entry: Record<string, unknown>, name: string): string[] {
  const env = entry.env;
  if (!isRecord(env)) return [];
  const names = Object.keys(env).filter((key) => /TOKEN|SECRET|PASSWORD/i.test(key));
  return names.length
    ? [
        `the "${name}" entry passes ${names.join(", ")} in its env: tokens are safer in the token file (alpacon-mcp auth set), where the model cannot read them; remove ${names.length > 1 ? "them" : "it"} from the client configuration.`,
      ]
    : [];
}

/** Copies the file next to itself as `<file>.bak-<UTC time>`; returns the copy's path. */
export async function backUp(file: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  for (let attempt = 0; ; attempt++) {
    const backup = `${file}.bak-${stamp}${attempt ? `-${attempt}` : ""}`;
    try {
      await copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 99) throw error;
    }
  }
}

/** Writes a temporary file next to the target, then renames it over: never half a file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const mode = await stat(file)
    .then((info) => info.mode & 0o777)
    .catch(() => 0o644);
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { mode, flag: "wx" });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * A unified diff of the change, made with jsdiff (`diff`), the maintained implementation most
 * Node tools use, rather than a hand-written one. Context lines can belong to other servers, so
 * what is printed is masked: every value of an `env` or `headers` object (`DB_PASS` …), the
 * password of any URL with credentials, values of secret-looking keys and token shapes.
 */
export function unifiedDiff(plan: Plan, format: ClientSpec["format"]): string {
  const patch = createTwoFilesPatch(
    plan.before === undefined ? "/dev/null" : plan.file,
    plan.file,
    maskValues(plan.before ?? "", format),
    maskValues(plan.after, format),
    undefined,
    undefined,
    { context: 3 },
  );
  const lines = patch.split("\n").filter((line) => !/^(Index: |={10,})/.test(line));
  return `${lines.map(maskSecrets).join("\n").trimEnd()}\n`;
}

/** Objects whose every value is masked in what we print. */
const MASKED_OBJECTS = new Set(["env", "headers"]);
const REDACTED = '"[redacted]"';

/**
 * The text with each value inside an `env`/`headers` object replaced, found through the parsed
 * tree (a line alone cannot tell whether it is inside `env`); formatting is otherwise kept, so
 * the diff of two masked texts has the same lines as the real one.
 */
export function maskValues(text: string, format: ClientSpec["format"]): string {
  const ranges: Array<[number, number]> = [];
  if (format === "yaml") {
    visit(parseDocument(text), {
      Pair(_, pair) {
        if (!isScalar(pair.key) || !MASKED_OBJECTS.has(String(pair.key.value))) return;
        if (!isMap(pair.value)) return;
        for (const item of pair.value.items) {
          if (isScalar(item.value) && item.value.range) {
            ranges.push([item.value.range[0], item.value.range[1]]);
          }
        }
      },
    });
  } else {
    const walk = (node: JsonNode | undefined): void => {
      if (!node) return;
      const [key, value] = node.children ?? [];
      if (node.type === "property" && MASKED_OBJECTS.has(key?.value) && value?.type === "object") {
        for (const property of value.children ?? []) {
          const item = property.children?.[1];
          if (item && item.type !== "object" && item.type !== "array") {
            ranges.push([item.offset, item.offset + item.length]);
          }
        }
      }
      for (const child of node.children ?? []) walk(child);
    };
    walk(parseTree(text, [], { allowTrailingComma: true, disallowComments: false }));
  }
  let out = text;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + REDACTED + out.slice(end);
  }
  return out;
}

const SECRET_VALUE =
  /((?:["']?)[\w.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|credential|authorization|private[_-]?key)[\w.-]*["']?\s*[:=]\s*)("(?:\\.|[^"\\])*"|'[^']*'|[^\s,#}]+)/gi;

/** `scheme://user:password@host`: the password part. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s/@"']+@/gi;

export function maskSecrets(line: string): string {
  const masked = line
    .replace(SECRET_VALUE, '$1"[redacted]"')
    .replace(URL_PASSWORD, "$1[redacted]@");
  return redact(masked, []);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
