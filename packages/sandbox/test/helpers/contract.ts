/**
 * Contract checking for tests: every request sent through `contractFetch` and every response it
 * gets back are validated against `openapi/alpacon.yaml` (AJV, JSON Schema 2020-12, with the
 * spec's components resolved by `$ref`). A status the operation does not declare, a body that does
 * not match its schema, or a request the spec would not allow fails the test.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020Module, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

type Json = Record<string, unknown>;

interface Operation {
  id: string;
  method: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  staticLength: number;
  /** Each parameter object with its JSON pointer in the spec. */
  parameters: { raw: Json; pointer: string }[];
  requestBody: Json | undefined;
  responses: Record<string, Json>;
}

const SPEC_PATH = fileURLToPath(new URL("../../../../openapi/alpacon.yaml", import.meta.url));
export const spec = parse(readFileSync(SPEC_PATH, "utf8")) as Json;

// Both packages are CommonJS with `exports.default`; under NodeNext that is where the class is.
const ajv = new Ajv2020Module.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addFormat("password", true);
ajv.addSchema(spec, "openapi.json");

const compiled = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
  const cached = compiled.get(pointer);
  if (cached) return cached;
  const v = ajv.compile({ $ref: `openapi.json#${pointer}` });
  compiled.set(pointer, v);
  return v;
}

const pointerEscape = (s: string): string => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Follows a local `$ref` of a non-schema object (parameter, response, request body). */
function deref(obj: Json): { value: Json; pointer: string | null } {
  let pointer: string | null = null;
  let value = obj;
  while (typeof value.$ref === "string") {
    pointer = (value.$ref as string).slice(1);
    value = pointer
      .split("/")
      .slice(1)
      .reduce<Json>((acc, key) => acc[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json, spec);
  }
  return { value, pointer };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export const operations: Operation[] = [];
for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
  const paramNames: string[] = [];
  const regex = new RegExp(
    `^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      paramNames.push(name);
      return "([^/]+)";
    })}$`,
  );
  for (const method of METHODS) {
    const op = item[method] as Json | undefined;
    if (!op) continue;
    operations.push({
      id: op.operationId as string,
      method: method.toUpperCase(),
      template,
      regex,
      paramNames,
      staticLength: template.replace(/\{[^}]+\}/g, "").length,
      parameters: [
        ...((item.parameters as Json[]) ?? []).map((raw, i) => ({
          raw,
          pointer: `/paths/${pointerEscape(template)}/parameters/${i}`,
        })),
        ...((op.parameters as Json[]) ?? []).map((raw, i) => ({
          raw,
          pointer: `/paths/${pointerEscape(template)}/${method}/parameters/${i}`,
        })),
      ],
      requestBody: op.requestBody as Json | undefined,
      responses: op.responses as Record<string, Json>,
    });
  }
}

/** Operation id → statuses seen, for the coverage assertion of the contract suite. */
export const coverage = new Map<string, Set<number>>();

function findOperations(path: string): Operation[] {
  return operations
    .filter((op) => op.regex.test(path))
    .sort((a, b) => b.staticLength - a.staticLength);
}

function formatErrors(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 8)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("; ");
}

function coerce(value: string, schema: Json | undefined): unknown {
  const type = schema?.type;
  if (type === "integer" || type === "number")
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

export class ContractError extends Error {
  override readonly name = "ContractError";
}

export interface ContractOptions {
  /** The test sends a request the spec does not allow on purpose (to see the 400). */
  invalidRequest?: boolean;
}

function checkRequest(
  op: Operation,
  pathParams: string[],
  url: URL,
  body: unknown,
  hasBody: boolean,
): string[] {
  const problems: string[] = [];
  for (const entry of op.parameters) {
    const { value: param, pointer } = deref(entry.raw);
    const name = param.name as string;
    const schemaPointer = `${pointer ?? entry.pointer}/schema`;
    const schema = param.schema as Json | undefined;
    let value: string | null = null;
    if (param.in === "path") value = pathParams[op.paramNames.indexOf(name)] ?? null;
    else if (param.in === "query") value = url.searchParams.get(name);
    else continue;
    if (value === null) {
      if (param.required) problems.push(`missing required ${param.in} parameter "${name}"`);
      continue;
    }
    const v = validatorAt(schemaPointer);
    const decoded = param.in === "path" ? decodeURIComponent(value) : value;
    if (!v(coerce(decoded, schema)))
      problems.push(`${param.in} parameter "${name}"=${value}: ${formatErrors(v)}`);
  }
  if (op.requestBody) {
    const { value: rb, pointer } = deref(op.requestBody);
    const content = rb.content as Record<string, Json> | undefined;
    if (!hasBody) {
      if (rb.required) problems.push("missing required request body");
    } else if (body instanceof FormData) {
      // A multipart upload: the operation must take one, with every required part present.
      const { value: schema } = deref((content?.["multipart/form-data"]?.schema ?? {}) as Json);
      if (!content?.["multipart/form-data"]) problems.push("multipart body not accepted");
      for (const name of (schema.required as string[] | undefined) ?? []) {
        if (!body.has(name)) problems.push(`multipart body: missing part "${name}"`);
      }
    } else if (content?.["application/json"]) {
      const base =
        pointer ?? `/paths/${pointerEscape(op.template)}/${op.method.toLowerCase()}/requestBody`;
      const v = validatorAt(`${base}/content/application~1json/schema`);
      if (!v(body)) problems.push(`request body: ${formatErrors(v)}`);
    }
  } else if (hasBody) {
    problems.push("request body sent to an operation without one");
  }
  return problems;
}

function responseSpec(op: Operation, status: number): { spec: Json; pointer: string } | null {
  const candidates = [String(status), `${String(status)[0]}XX`, "default"];
  for (const key of candidates) {
    const r = op.responses[key];
    if (!r) continue;
    const { value, pointer } = deref(r);
    return {
      spec: value,
      pointer:
        pointer ??
        `/paths/${pointerEscape(op.template)}/${op.method.toLowerCase()}/responses/${pointerEscape(key)}`,
    };
  }
  return null;
}

/**
 * `fetch`, plus the contract: finds the operation for (method, path below the workspace base),
 * validates the request, sends it, validates the response and returns an equivalent Response.
 * Requests to paths the spec does not have must get 404; wrong methods must get 405.
 */
export async function contractFetch(
  input: string | URL,
  init: RequestInit = {},
  options: ContractOptions = {},
): Promise<Response> {
  const url = new URL(input);
  const method = (init.method ?? "GET").toUpperCase();
  // `/{region}/{workspace}/api/...` → `/api/...`
  const apiPath = url.pathname.replace(/^\/[^/]+\/[^/]+(?=\/)/, "");
  const candidates = findOperations(apiPath);
  const op = candidates.find((o) => o.method === method);

  const response = await fetch(url, init);
  const text = method === "HEAD" ? "" : await response.text();
  const copy = () =>
    new Response(response.status === 204 || response.status === 304 ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  if (response.headers.get("x-sandbox-fault") !== null) return copy();

  if (!op) {
    if (!apiPath.startsWith("/api/")) return copy();
    const expected = candidates.length > 0 ? 405 : 404;
    // Authentication comes first in DRF, so an unauthenticated wrong method is still a 401.
    if (response.status !== expected && response.status !== 401) {
      throw new ContractError(
        `${method} ${apiPath} is not in the spec: expected ${expected}, got ${response.status}`,
      );
    }
    return copy();
  }

  const pathParams = (op.regex.exec(apiPath) ?? []).slice(1);
  let body: unknown;
  const hasBody = init.body !== undefined && init.body !== null;
  if (init.body instanceof FormData) body = init.body;
  else if (hasBody && typeof init.body === "string") {
    try {
      body = JSON.parse(init.body);
    } catch {
      body = init.body;
    }
  }
  const requestProblems = checkRequest(op, pathParams, url, body, hasBody);
  if (requestProblems.length > 0 && !options.invalidRequest) {
    throw new ContractError(`${op.id}: request violates the spec: ${requestProblems.join("; ")}`);
  }
  if (requestProblems.length === 0 && options.invalidRequest) {
    throw new ContractError(`${op.id}: request was marked invalid but matches the spec`);
  }

  const declared = responseSpec(op, response.status);
  if (!declared) {
    throw new ContractError(
      `${op.id}: status ${response.status} is not declared (body: ${text.slice(0, 200)})`,
    );
  }
  let set = coverage.get(op.id);
  if (!set) {
    set = new Set();
    coverage.set(op.id, set);
  }
  set.add(response.status);

  const content = declared.spec.content as Record<string, Json> | undefined;
  if (content?.["application/json"]) {
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("application/json")) {
      throw new ContractError(`${op.id}: ${response.status} without a JSON content type (${type})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ContractError(
        `${op.id}: ${response.status} body is not JSON: ${text.slice(0, 200)}`,
      );
    }
    const v = validatorAt(`${declared.pointer}/content/application~1json/schema`);
    if (!v(parsed)) {
      throw new ContractError(
        `${op.id}: ${response.status} body violates the spec: ${formatErrors(v)}\n${text.slice(0, 500)}`,
      );
    }
  } else if (text !== "") {
    throw new ContractError(
      `${op.id}: ${response.status} declares no body but got: ${text.slice(0, 200)}`,
    );
  }
  const headers = declared.spec.headers as Record<string, Json> | undefined;
  for (const name of Object.keys(headers ?? {})) {
    if (response.headers.get(name) === null) {
      throw new ContractError(`${op.id}: ${response.status} is missing header ${name}`);
    }
  }
  return copy();
}

/** Value constraints a placeholder fixture breaks without saying anything about the shape. */
const VALUE_KEYWORDS = new Set([
  "required",
  "format",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
]);

function withoutValueKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutValueKeywords);
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  const properties = (value as Json).properties;
  // An envelope's one field (`results`, `data`) is its whole point: keep it required.
  const envelope =
    properties !== null && typeof properties === "object" && Object.keys(properties).length === 1;
  for (const [key, child] of Object.entries(value as Json)) {
    // `required: true` on parameters and request bodies is not a schema keyword; keep it.
    const keep = key === "required" && (typeof child === "boolean" || envelope);
    if (VALUE_KEYWORDS.has(key) && !keep) continue;
    out[key] = withoutValueKeywords(child);
  }
  return out;
}

let shapeAjv: InstanceType<typeof Ajv2020Module.default> | undefined;

/**
 * Validates a response body against the schema the spec declares for (operation, status).
 * `shape` checks structure and types only (no `required`, formats or bounds), for fixtures
 * whose values are placeholders or that leave fields out.
 */
export function validateResponseBody(
  operationId: string,
  status: number,
  body: unknown,
  mode: "full" | "shape" = "full",
): string[] {
  const op = operations.find((o) => o.id === operationId);
  if (!op) return [`no operation ${operationId} in the spec`];
  const declared = responseSpec(op, status);
  if (!declared) return [`${operationId} declares no ${status} response`];
  const pointer = `${declared.pointer}/content/application~1json/schema`;
  let v: ValidateFunction;
  if (mode === "full") v = validatorAt(pointer);
  else {
    if (!shapeAjv) {
      shapeAjv = new Ajv2020Module.default({ strict: false, allErrors: true });
      shapeAjv.addSchema(withoutValueKeywords(spec) as Json, "openapi.json");
    }
    v = shapeAjv.compile({ $ref: `openapi.json#${pointer}` });
  }
  return v(body) ? [] : [formatErrors(v)];
}
