import type { AlpaconClient, Page } from "@alpacon/sdk";
import * as sdkModule from "@alpacon/sdk";
import * as nodeModule from "@alpacon/sdk/node";
import * as z from "zod";
import type { ToolContext } from "../server/context.js";
import { type Compact, compact, pageFields, pageSummary } from "../server/format.js";
import type { Toolset } from "./toolsets.js";

export { TOOLSETS, type Toolset } from "./toolsets.js";

/**
 * What a tool does to the world, from which its annotations follow (checked by a test):
 * an HTTP method for REST tools, `exec` for running commands, `transfer` for file copies,
 * and `local-read` / `local-write` for tools that touch only this process or its files.
 */
export type Operation =
  | "GET"
  | "POST"
  | "PUT"
  | "PATCH"
  | "DELETE"
  | "exec"
  | "transfer"
  | "local-read"
  | "local-write";

/**
 * Effects larger than what the operation says, which the annotations and the confirmation follow
 * (see `effectOf`; checked by a test that walks every tool): a plain POST that makes the caller a
 * group's owner grants access, a local file write that overwrites the saved token replaces a
 * credential, and opening a websh session opens a shell.
 */
export type LargerEffect = "grant-access" | "replace-credential" | "open-shell";

/** What a call does, as people weigh it: the operation's effect, or a larger one. */
export type Effect = "read" | "add" | "change" | "delete" | "run" | "transfer" | LargerEffect;

const OPERATION_EFFECT: Record<Operation, Effect> = {
  GET: "read",
  "local-read": "read",
  POST: "add",
  PUT: "change",
  PATCH: "change",
  "local-write": "change",
  DELETE: "delete",
  exec: "run",
  transfer: "transfer",
};

export function effectOf(tool: {
  operation: Operation;
  effect?: "change" | LargerEffect | undefined;
}): Effect {
  return tool.effect ?? OPERATION_EFFECT[tool.operation];
}

/**
 * Every effect but these asks the user first (a tool with any other one must have `confirm`):
 * reading, and adding something that grants nobody anything (a note).
 */
export const UNCONFIRMED_EFFECTS: ReadonlySet<Effect> = new Set(["read", "add"]);

/** MCP tool annotations; `readOnlyHint` is required here so no tool can leave it out. */
export interface Annotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** Operations whose repetition leaves the state of the first call (besides reading). */
const IDEMPOTENT: ReadonlySet<Operation> = new Set(["PUT", "DELETE", "local-write"]);

/** Effects that reach beyond Alpacon's API into real hosts (checked by a test). */
const OPEN_WORLD: ReadonlySet<Effect> = new Set(["run", "transfer", "open-shell"]);

/**
 * The hints that follow from a tool's operation and effect: only reading is read-only; every
 * write but adding is weighed destructive (granting access and replacing a credential too, so
 * that clients which run non-destructive calls unasked ask for these); PUT, DELETE and local
 * file writes leave the same state when repeated; commands, transfers and shells reach hosts.
 */
export function annotationsOf(tool: {
  operation: Operation;
  effect?: "change" | LargerEffect | undefined;
}): Annotations {
  const effect = effectOf(tool);
  const readOnly = effect === "read";
  return {
    readOnlyHint: readOnly,
    destructiveHint: !readOnly && effect !== "add",
    idempotentHint: readOnly || IDEMPOTENT.has(tool.operation),
    openWorldHint: OPEN_WORLD.has(effect),
  };
}

export type Shape = z.ZodRawShape;
export type Output<O extends Shape> = z.output<z.ZodObject<O>>;
export type Input<I extends Shape> = z.output<z.ZodObject<I>>;

// --- the SDK call behind a tool: a reference the compiler checks

// biome-ignore lint/suspicious/noExplicitAny: any function, whatever its parameters
type AnyFunction = (...args: any[]) => unknown;

/** A method of the client, as `(c) => c.servers.list`: rendered `client.servers.list`. */
export type ClientMethod<M extends AnyFunction = AnyFunction> = (client: AlpaconClient) => M;

/**
 * Exports of `@alpacon/sdk` or `@alpacon/sdk/node` the tool uses instead of (or besides) one
 * client method, by name: `{ uploadFile }` is rendered `uploadFile (@alpacon/sdk/node)`.
 */
export type SdkExports = Readonly<Record<string, unknown>>;

export type SdkRef = ClientMethod | SdkExports;

/** A method's parameters without its trailing request options (filled in with the signal). */
export type Leading<P extends readonly unknown[]> =
  Required<P> extends readonly [...infer H, unknown] ? H : never;

/** A client method with `this` and the call's abort signal bound. */
export type Bound<M> = M extends (...args: infer P) => infer R ? (...args: Leading<P>) => R : never;

/** What `run` and `confirm` receive besides the arguments. */
export interface ToolCallContext<M = AnyFunction> extends ToolContext {
  /** The tool's own SDK method (its `sdk` reference), with the call's abort signal bound. */
  sdk: Bound<M>;
  /** Any other client method, with the call's abort signal bound: `call((c) => c.x.get)(id)`. */
  call<N extends AnyFunction>(method: ClientMethod<N>): Bound<N>;
}

export interface ToolDefinition<I extends Shape, O extends Shape, M> {
  /** The reference server's name, kept so existing prompts and client configs keep working. */
  name: string;
  /**
   * Keywords a client's tool search matches besides the name and description, sent as
   * `_meta["anthropic/searchHint"]` (the reference's words where it has the tool). Clients
   * that load tools on demand find a tool by these.
   */
  searchHint: string;
  /**
   * Set on the few entry points a client that loads tools on demand should load at once
   * (`_meta["anthropic/alwaysLoad"]`): the reference's choice of where a session starts.
   */
  alwaysLoad?: true;
  /**
   * Left out of the default set even when its toolset is on by default: it comes with naming
   * the toolset (`--toolsets default,webftp`). For the few tools of a daily toolset that few
   * need, so the default listing stays within its budget (bench B6).
   */
  advanced?: true;
  toolset: Toolset;
  title: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  description: string;
  /**
   * The SDK method the tool calls, as a reference the compiler checks: `(c) => c.servers.list`
   * (then `context.sdk` calls it), exports by name (`{ uploadFile }`), or several of these.
   * The README and the snapshots show it as text; `[]` means no SDK call (local state only).
   */
  sdk: ClientMethod<M & AnyFunction> | SdkExports | readonly SdkRef[];
  operation: Operation;
  /**
   * Set when the effect is not the one the operation implies: larger (see `LargerEffect`), or a
   * POST that changes or ends something rather than adding (a session closed, a result recorded).
   */
  effect?: "change" | LargerEffect;
  /** Only where a hint differs from what the effect implies (see `annotationsOf`). */
  annotations?: Partial<Annotations>;
  /**
   * `workspace` (the default): the tool gets optional `workspace` and `region` arguments and a
   * resolved client. `local`: the tool works on this process's state (websh channels, the token
   * file).
   */
  scope?: "workspace" | "local";
  input: I;
  output: O;
  /**
   * The question put to the user before the call runs; its presence is what makes the server
   * ask (see confirm.ts), and every tool whose effect is not in UNCONFIRMED_EFFECTS has one.
   * It names what changes the effect, as a person knows it: server and user names, env, paths
   * (`context.servers` holds the server names). It may look things up through `context`; a
   * lookup that fails fails the call before anyone is asked. `null` means the call would
   * change nothing, so there is nothing to ask.
   */
  confirm?: (
    args: Input<I>,
    context: ToolCallContext<NoInfer<M>>,
  ) => string | null | Promise<string | null>;
  /** Advice for a 404 ("List servers with servers_list …"); a generic one otherwise. */
  notFound?: string;
  /** Advice for a plain 403; a generic one (ask an admin for the permission) otherwise. */
  forbidden?: string;
  // NoInfer: the method is read from `sdk` alone, so parts typed elsewhere can be spread in.
  run(args: Input<I>, context: ToolCallContext<NoInfer<M>>): Promise<Output<O>>;
  /** A short text for the model; the data itself travels as `structuredContent`. */
  summary(result: Output<O>, args: Input<I>, context: ToolContext): string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds tools of every argument type
type Erased = any;

/** A tool as the registry holds it: types erased, annotations and SDK text worked out. */
export interface AnyTool {
  name: string;
  searchHint: string;
  alwaysLoad?: true | undefined;
  advanced?: true | undefined;
  toolset: Toolset;
  title: string;
  description: string;
  /** The SDK call as text (`client.servers.list`), for the README and the snapshots. */
  sdk: string;
  /** The path of the tool's own client method, when it has one (`["servers", "list"]`). */
  method: readonly string[] | undefined;
  operation: Operation;
  effect?: "change" | LargerEffect | undefined;
  scope: "workspace" | "local";
  input: Shape;
  output: Shape;
  annotations: Annotations;
  confirm?:
    | ((args: Erased, context: ToolCallContext<Erased>) => string | null | Promise<string | null>)
    | undefined;
  notFound?: string | undefined;
  forbidden?: string | undefined;
  /**
   * Set on a tool that asks before each step it takes rather than once (code mode's `execute`
   * asks before each call of a snippet that changes or runs something): it has no `confirm`.
   */
  confirmsEachCall?: true | undefined;
  run(args: Erased, context: ToolCallContext<Erased>): Promise<unknown>;
  summary(result: Erased, args: Erased, context: ToolContext): string;
}

export function defineTool<I extends Shape, O extends Shape, M = AnyFunction>(
  tool: ToolDefinition<I, O, M>,
): AnyTool {
  const refs: readonly SdkRef[] = Array.isArray(tool.sdk) ? tool.sdk : [tool.sdk as SdkRef];
  const own = typeof tool.sdk === "function" ? methodPath(tool.sdk as ClientMethod) : undefined;
  return {
    ...(tool as unknown as AnyTool),
    sdk: refs.length ? refs.map(sdkText).join(" + ") : "none (local state only)",
    method: own,
    scope: tool.scope ?? "workspace",
    annotations: { ...annotationsOf(tool), ...tool.annotations },
  };
}

const paths = new WeakMap<ClientMethod, readonly string[]>();

/** The property path a client-method reference reads, recorded once by a stand-in client. */
export function methodPath(ref: ClientMethod): readonly string[] {
  let path = paths.get(ref);
  if (!path) {
    const keys: string[] = [];
    const recorder: unknown = new Proxy(() => undefined, {
      get: (_target, key) => {
        keys.push(String(key));
        return recorder;
      },
    });
    ref(recorder as AlpaconClient);
    path = keys;
    paths.set(ref, path);
  }
  return path;
}

function sdkText(ref: SdkRef): string {
  if (typeof ref === "function") return `client.${methodPath(ref as ClientMethod).join(".")}`;
  const byModule = new Map<string, string[]>();
  for (const [name, value] of Object.entries(ref)) {
    const module = exportedBy(name, value);
    byModule.set(module, [...(byModule.get(module) ?? []), name]);
  }
  return [...byModule].map(([module, names]) => `${names.join(", ")} (${module})`).join(" + ");
}

function exportedBy(name: string, value: unknown): string {
  if ((sdkModule as Record<string, unknown>)[name] === value) return "@alpacon/sdk";
  if ((nodeModule as Record<string, unknown>)[name] === value) return "@alpacon/sdk/node";
  throw new Error(`${name} is not exported by @alpacon/sdk or @alpacon/sdk/node.`);
}

/** Calls the client method at `path` on `client`, with the signal as its request options. */
export function boundMethod(
  client: AlpaconClient,
  path: readonly string[],
  signal: AbortSignal,
): AnyFunction {
  let owner: unknown = client;
  for (const key of path.slice(0, -1)) owner = (owner as Record<string, unknown>)[key];
  const method = (owner as Record<string, AnyFunction>)[path.at(-1)!]!;
  return (...args: unknown[]) => method.call(owner, ...args, { signal });
}

/** The client of a workspace-scoped tool; local tools never get one. */
export function clientOf(context: ToolContext): AlpaconClient {
  if (!context.client) throw new Error("This tool has no workspace client (scope: local).");
  return context.client;
}

// --- list tools: paging, rows and summary in one place

/** A list method's parts: arguments before the query (a search text), the query, a row. */
type PageOf<M> = M extends (...args: infer P) => Promise<Page<infer T>>
  ? Leading<P> extends [...infer B, infer Q]
    ? { before: B; query: Q; item: T }
    : never
  : never;

/** A query with absent values allowed as undefined (they are left out before it is sent). */
type Loose<T> = { [K in keyof T]?: T[K] | undefined };

export interface ListToolDefinition<
  I extends Shape,
  K extends string,
  R extends z.ZodType,
  M extends AnyFunction,
> {
  name: string;
  searchHint: string;
  alwaysLoad?: true;
  /** As `ToolDefinition.advanced`. */
  advanced?: true;
  toolset: Toolset;
  title: string;
  description: string;
  /** The list method (`(c) => c.servers.list`); its first parameter is the query. */
  sdk: ClientMethod<M>;
  /** Arguments the method takes before the query (a search text). */
  before?: (args: Input<I>) => Readonly<PageOf<NoInfer<M>>["before"]>;
  /** Filters; `page` and `pageSize` are added. */
  input: I;
  /** The default `pageSize` (20). */
  pageSize?: number;
  /**
   * The API's query for the filters (paging is added); by default every argument with its name
   * in snake_case, absent ones left out.
   */
  query?: (args: Input<I>) => Loose<Omit<PageOf<NoInfer<M>>["query"], "page" | "page_size">>;
  /** The result's field for the rows, and the schema of one row. */
  rows: K;
  row: R;
  /** Rows from the page's items (default: as they are). */
  map?: (items: PageOf<NoInfer<M>>["item"][], args: Input<I>) => z.output<R>[];
  /** Set when the result repeats the `server` argument (lists of one server's inventory). */
  echoServer?: boolean;
  /** What the text calls the rows (default: the field's name). */
  noun?: string | ((args: Input<I>) => string);
  /** One row as a line of the text summary. */
  line: (row: z.output<R>) => string;
  notFound?: string;
  forbidden?: string;
}

/** A read-only list tool: one paged call, its rows, and a summary of the page. */
export function listTool<
  I extends Shape,
  K extends string,
  R extends z.ZodType,
  M extends AnyFunction,
>(spec: ListToolDefinition<I, K, R, M>): AnyTool {
  const output = {
    ...(spec.echoServer ? { server: z.string() } : {}),
    ...pageInfo,
    [spec.rows]: z.array(spec.row),
  };
  return defineTool({
    name: spec.name,
    searchHint: spec.searchHint,
    ...(spec.alwaysLoad ? { alwaysLoad: spec.alwaysLoad } : {}),
    ...(spec.advanced ? { advanced: spec.advanced } : {}),
    toolset: spec.toolset,
    title: spec.title,
    description: spec.description,
    sdk: spec.sdk,
    operation: "GET",
    input: { ...spec.input, page, pageSize: pageSize(spec.pageSize ?? 20) },
    output,
    ...(spec.notFound ? { notFound: spec.notFound } : {}),
    ...(spec.forbidden ? { forbidden: spec.forbidden } : {}),
    async run(args, context) {
      const { page: pageNumber, pageSize: size, ...filters } = args as Record<string, unknown>;
      // The default query (every filter in snake_case) is not checked against the method's
      // query type, a `query` function is: name filters as the API does, or give `query`.
      const query = spec.query ? spec.query(filters as Input<I>) : apiFields(filters);
      const before = spec.before ? spec.before(args as Input<I>) : [];
      const result = (await (context.sdk as AnyFunction)(...before, {
        ...compact(query as Record<string, unknown>),
        page: pageNumber,
        page_size: size,
      })) as Page<PageOf<M>["item"]>;
      const rows = spec.map ? spec.map(result.results, args as Input<I>) : result.results;
      return {
        ...(spec.echoServer ? { server: (args as { server: string }).server } : {}),
        ...pageFields(result),
        [spec.rows]: rows,
      } as never;
    },
    summary: (result, args) =>
      pageSummary(
        typeof spec.noun === "function" ? spec.noun(args as Input<I>) : (spec.noun ?? spec.rows),
        result as never,
        (result as unknown as Record<string, z.output<R>[]>)[spec.rows]!,
        spec.line,
      ),
  });
}

// --- arguments to API fields

type SnakeKey<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeKey<T>}`
  : S;

/** Arguments as API fields: keys in snake_case, absent (undefined) ones left out. */
export type ApiFields<T> = Compact<{
  [K in keyof T as K extends string ? SnakeKey<K> : never]: T[K];
}>;

/** `{ firstName: "Ada", email: undefined }` → `{ first_name: "Ada" }`. */
export function apiFields<T extends Record<string, unknown>>(args: T): ApiFields<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return out as ApiFields<T>;
}

// --- shared input fields

const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Added to every workspace-scoped tool by the server (see register.ts), and checked on every
 * call. tools/list does not show these schemas: it shows the configured workspaces instead, or
 * nothing when there is only one to choose (tool-list.ts).
 */
export const workspaceFields = {
  workspace: z
    .string()
    .max(63)
    .regex(NAME_PATTERN)
    .optional()
    .describe("Workspace name; optional when only one is configured."),
  region: z
    .string()
    .max(32)
    .regex(NAME_PATTERN)
    .optional()
    .describe('Workspace region, e.g. "ap1"; only needed if two share a name.'),
};

/**
 * A server by id or by name ("web-1"): names are resolved to ids once per call before the tool
 * runs (register.ts, server-refs.ts), so tools always see an id. Used for every `server` and
 * `servers` argument.
 */
export const serverId = z
  .string()
  .max(255)
  // A check rather than a pattern: tools/list stays as short as with a plain uuid format.
  .refine((ref) => ref.length > 0 && !CONTROL.test(ref), "must be a server name or id")
  .describe("Name or id.");

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

// `page` and `pageSize` say what they are by name and bounds: no description to repeat it.
export const page = z.int().min(1).max(100_000).default(1);

export function pageSize(defaultSize: number) {
  return z.int().min(1).max(100).default(defaultSize);
}

// --- shared output fields

export const pageInfo = {
  // Names that say it all: no descriptions (they would repeat on every list tool).
  count: z.int(),
  page: z.int(),
  lastPage: z.int(),
  nextPage: z.int().nullable(),
};

export const serverSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  os: z.string().nullable().optional(),
  is_connected: z.boolean().optional(),
});

/** A server named by another object: only `id` is certain when the API sent a bare UUID. */
export const serverRef = serverSummary.extend({ name: z.string().optional() });

export const userSummary = z.looseObject({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
});
