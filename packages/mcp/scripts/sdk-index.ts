// Builds the code mode's offline index of the SDK (src/generated/sdk-index.ts): every method of
// the client as its declaration says (signature, doc comment, HTTP method), the types those
// signatures name (from the spec's schemas and the SDK's own interfaces), and the SDK README's
// sections. `search` looks things up in it and `execute` bridges exactly the methods it lists,
// with the parameter count it records (so a request options object is never taken for a query).
// The build runs it; test/code-mode/sdk-index.test.ts fails when the committed index is stale.
//
//   pnpm --filter @alpacon/mcp sdk-index           rewrites src/generated/sdk-index.ts
//   pnpm --filter @alpacon/mcp sdk-index --check   exits 1 when it is stale

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parse } from "yaml";
import type {
  SdkDocEntry as DocEntry,
  SdkMethodEntry as MethodEntry,
  SdkTypeEntry as TypeEntry,
} from "../src/code-mode/sdk-index-types.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const INDEX_FILE = fileURLToPath(new URL("../src/generated/sdk-index.ts", import.meta.url));

/** Type names in a signature, `QueryOf<"operationId">` taken whole. */
const TYPE_NAMES = /QueryOf<"\w+">|\b[A-Z]\w+/g;

const HTTP_CALL = /this\.http\.(GET|POST|PATCH|PUT|DELETE)\(/;

function methods(checker: ts.TypeChecker, client: ts.Type): MethodEntry[] {
  const out: MethodEntry[] = [];
  const walk = (type: ts.Type, prefix: string, depth: number) => {
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      const modifiers = ts.canHaveModifiers(declaration) ? ts.getModifiers(declaration) : undefined;
      if (
        modifiers?.some(
          (m) =>
            m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
        )
      )
        continue;
      const path = prefix ? `${prefix}.${property.name}` : property.name;
      if (ts.isMethodDeclaration(declaration)) {
        out.push(method(checker, property, declaration, path));
        continue;
      }
      const propertyType = checker.getTypeOfSymbolAtLocation(property, declaration);
      const isObject = (propertyType.flags & ts.TypeFlags.Object) !== 0;
      if (
        isObject &&
        depth < 3 &&
        !checker.getSignaturesOfType(propertyType, ts.SignatureKind.Call).length
      ) {
        walk(propertyType, path, depth + 1);
      }
    }
  };
  walk(client, "", 0);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function method(
  checker: ts.TypeChecker,
  symbol: ts.Symbol,
  declaration: ts.MethodDeclaration,
  path: string,
): MethodEntry {
  const parameters = declaration.parameters;
  const last = parameters.at(-1);
  const lastType = last?.type?.getText() ?? "";
  const signalInside =
    last !== undefined &&
    checker.getTypeAtLocation(last).getProperty("signal") !== undefined &&
    !/RequestOptions/.test(lastType);
  const signal = /RequestOptions/.test(lastType) ? "trailing" : signalInside ? "inside" : "none";
  const shown = parameters
    .filter((p) => !/RequestOptions/.test(p.type?.getText() ?? ""))
    .map((p) => {
      const optional = p.questionToken || p.initializer ? "?" : "";
      return `${p.name.getText()}${optional}: ${p.type?.getText().replace(/\s+/g, " ") ?? "unknown"}`;
    });
  const returns = declaration.type?.getText().replace(/\s+/g, " ") ?? "";
  const body = declaration.body?.getText() ?? "";
  const http = HTTP_CALL.exec(body)?.[1] ?? (/this\.action\(/.test(body) ? "POST" : null);
  return {
    path,
    signature: `alpacon.${path}(${shown.join(", ")})${returns ? `: ${returns}` : ""}`,
    doc: ts
      .displayPartsToString(symbol.getDocumentationComment(checker))
      .replace(/\s+/g, " ")
      .trim(),
    http,
    leading: signal === "trailing" ? parameters.length - 1 : parameters.length,
    signal,
    iterator: /AsyncGenerator|AsyncIterable/.test(returns),
  };
}

/** Names used in the method signatures, rendered from the spec or the SDK's declarations. */
function types(program: ts.Program, used: Set<string>): TypeEntry[] {
  const spec = parse(readFileSync(`${ROOT}openapi/alpacon.yaml`, "utf8")) as OpenApi;
  const out = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.includes("/packages/sdk/src/") || file.fileName.includes("/generated/"))
      continue;
    for (const statement of file.statements) {
      if (!(ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement))) continue;
      const name = statement.name.text;
      if (!used.has(name) || out.has(name)) continue;
      if (ts.isTypeAliasDeclaration(statement)) {
        const text = statement.type.getText();
        const schema = /^Schemas\["(\w+)"\]$/.exec(text)?.[1];
        const query = /^QueryOf<"(\w+)">$/.exec(text)?.[1];
        if (schema)
          out.set(name, `${name} = ${renderSchema(spec, spec.components.schemas[schema])}`);
        else if (query) out.set(name, `${name} = ${renderQuery(spec, query)}`);
        else out.set(name, `${name} = ${oneLine(text)}`);
      } else {
        const members = statement.members.map((m) =>
          oneLine(m.getText().replace(/\/\*\*[\s\S]*?\*\//g, "")),
        );
        out.set(name, `${name} { ${members.join(" ")} }`);
      }
    }
  }
  // Queries named inline in a signature (`query: QueryOf<"listSystemPackages">`).
  for (const name of used) {
    const operation = /^QueryOf<"(\w+)">$/.exec(name)?.[1];
    if (operation) out.set(name, `${name} = ${renderQuery(spec, operation)}`);
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([name, text]) => ({ name, text }));
}

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  format?: string;
  additionalProperties?: boolean | Schema;
}

interface Parameter {
  $ref?: string;
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface OpenApi {
  components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        parameters?: Parameter[];
      }
    >
  >;
}

function renderSchema(spec: OpenApi, schema: Schema | undefined, depth = 0): string {
  if (!schema) return "unknown";
  if (schema.$ref) {
    const name = schema.$ref.split("/").at(-1)!;
    const target = spec.components.schemas[name];
    // Small enums and nested objects inline once; deeper ones by name.
    if (target?.enum) return target.enum.map((v) => JSON.stringify(v)).join(" | ");
    return depth < 1 && target?.properties ? renderSchema(spec, target, depth + 1) : name;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    if (schema[key]) return schema[key].map((s) => renderSchema(spec, s, depth)).join(" | ");
  }
  if (schema.allOf) return schema.allOf.map((s) => renderSchema(spec, s, depth)).join(" & ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const nullable =
    schema.nullable || (Array.isArray(schema.type) && schema.type.includes("null"))
      ? " | null"
      : "";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "array") return `${renderSchema(spec, schema.items, depth)}[]${nullable}`;
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties).map(
      ([key, value]) =>
        `${key}${required.has(key) ? "" : "?"}: ${renderSchema(spec, value, depth + 1)}`,
    );
    return `{ ${fields.join("; ")} }${nullable}`;
  }
  if (type === "object") return `Record<string, unknown>${nullable}`;
  if (type === "integer") return `number${nullable}`;
  return `${type ?? "unknown"}${nullable}`;
}

function renderQuery(spec: OpenApi, operationId: string): string {
  for (const item of Object.values(spec.paths)) {
    for (const operation of Object.values(item)) {
      if (operation?.operationId !== operationId) continue;
      const fields = (operation.parameters ?? [])
        .map((p) => (p.$ref ? spec.components.parameters?.[p.$ref.split("/").at(-1)!] : p))
        .filter((p): p is Parameter => p?.in === "query")
        .map((p) => `${p.name}${p.required ? "" : "?"}: ${renderSchema(spec, p.schema, 1)}`);
      return `{ ${fields.join("; ")} }`;
    }
  }
  return "Record<string, unknown>";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The SDK README by section, without the generated method table (the methods are above). */
function docs(): DocEntry[] {
  const readme = readFileSync(`${ROOT}packages/sdk/README.md`, "utf8");
  return readme
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const [heading = "", ...rest] = section.split("\n");
      return { heading: heading.trim(), text: rest.join("\n").trim().slice(0, 1_800) };
    })
    .filter((section) => section.heading !== "Methods" && section.text);
}

/** The text src/generated/sdk-index.ts should hold for the current SDK. */
export function sdkIndex(): string {
  const program = ts.createProgram([`${ROOT}packages/sdk/src/index.ts`], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const clientFile = program.getSourceFile(`${ROOT}packages/sdk/src/client.ts`);
  const declaration = clientFile?.statements.find(
    (s): s is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === "AlpaconClient",
  );
  if (!declaration) throw new Error("AlpaconClient not found in packages/sdk/src/client.ts");
  const all = methods(checker, checker.getTypeAtLocation(declaration));
  const used = new Set(all.flatMap((m) => m.signature.match(TYPE_NAMES) ?? []));
  const sections = [
    "// DO NOT EDIT. Generated by scripts/sdk-index.ts from packages/sdk/src (the client's methods",
    "// and the types they name), openapi/alpacon.yaml (schemas) and packages/sdk/README.md.",
    "// `pnpm --filter @alpacon/mcp sdk-index` rewrites it (so does the build).",
    "",
    'import type { SdkDocEntry, SdkMethodEntry, SdkTypeEntry } from "../code-mode/sdk-index-types.js";',
    "",
    `export const SDK_METHODS: readonly SdkMethodEntry[] = ${JSON.stringify(all, null, 1)};`,
    "",
    `export const SDK_TYPES: readonly SdkTypeEntry[] = ${JSON.stringify(types(program, used), null, 1)};`,
    "",
    `export const SDK_DOCS: readonly SdkDocEntry[] = ${JSON.stringify(docs(), null, 1)};`,
    "",
  ];
  return sections.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = sdkIndex();
  let current = "";
  try {
    current = readFileSync(INDEX_FILE, "utf8");
  } catch {}
  if (process.argv.includes("--check")) {
    if (current !== wanted) {
      console.error(`${INDEX_FILE} is stale: run pnpm --filter @alpacon/mcp sdk-index`);
      process.exit(1);
    }
  } else if (current !== wanted) {
    writeFileSync(INDEX_FILE, wanted);
  }
}
