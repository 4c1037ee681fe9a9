const utf8 = new TextDecoder();
// A registry symbol, so the check holds across the separate CommonJS bundles of the entry points.
const BUFFERED = Symbol.for("@alpacon/sdk/buffered-response");

export interface BufferedResponseInit {
  status: number;
  statusText: string;
  /** A Headers object, or Node's flat raw list (name, value, name, value …). */
  headers: Headers | readonly string[];
}

/**
 * A response whose body is already in memory. Reading it decodes the bytes directly: a plain
 * `new Response(bytes)` would wrap them in a web stream again, only for openapi-fetch to read
 * that stream back into bytes. `body` stays null; read it with text(), json() or arrayBuffer().
 */
export class BufferedResponse extends Response {
  readonly [BUFFERED] = true;
  override readonly headers: Headers;
  readonly #bytes: Uint8Array;

  // A null body for the base: a Response cannot carry one for 204 and 304. The headers are not
  // handed to it: it would copy and check every one, where a call reads one or two.
  constructor(bytes: Uint8Array, init: BufferedResponseInit) {
    super(null, { status: init.status, statusText: init.statusText });
    this.headers = Array.isArray(init.headers)
      ? (new RawHeaders(init.headers) as unknown as Headers)
      : (init.headers as Headers);
    this.#bytes = bytes;
  }

  override text = async (): Promise<string> => utf8.decode(this.#bytes);
  override json = async (): Promise<unknown> => JSON.parse(utf8.decode(this.#bytes));
  override arrayBuffer = async (): Promise<ArrayBuffer> =>
    this.#bytes.slice().buffer as ArrayBuffer;
  override blob = async (): Promise<Blob> =>
    new Blob([this.#bytes.slice()], { type: this.headers.get("content-type") ?? "" });
  override clone = (): Response => new BufferedResponse(this.#bytes, this);
}

/** Whether a response's body is already in memory (see BufferedResponse). */
export function isBuffered(response: Response): boolean {
  return (response as Partial<Record<typeof BUFFERED, boolean>>)[BUFFERED] === true;
}

/**
 * A field of Node's flat raw header list (name, value, name, value …), case-insensitively;
 * repeated fields read as one, comma-separated, as Headers.get answers them.
 */
export function rawHeader(raw: readonly string[], name: string): string | null {
  const wanted = name.toLowerCase();
  let value: string | null = null;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]!.toLowerCase() !== wanted) continue;
    value = value === null ? raw[index + 1]! : `${value}, ${raw[index + 1]!}`;
  }
  return value;
}

type Entries = ReturnType<Headers["entries"]>;

/** Headers' methods, declared as methods (the global type has them as properties, which a
 * subclass could neither override nor reach through `super`). */
interface HeaderMethods {
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  append(name: string, value: string): void;
  delete(name: string): void;
  getSetCookie(): string[];
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void;
  entries(): Entries;
  keys(): ReturnType<Headers["keys"]>;
  values(): ReturnType<Headers["values"]>;
  [Symbol.iterator](): Entries;
}
const HeadersBase = Headers as unknown as new () => HeaderMethods;

/**
 * Headers over Node's raw list: get() reads the list; anything else first copies it into the
 * Headers proper, which then answers. A real Headers (instanceof, iteration, inspection).
 */
class RawHeaders extends HeadersBase {
  #raw: readonly string[] | undefined;

  constructor(raw: readonly string[]) {
    super();
    this.#raw = raw;
  }

  override get(name: string): string | null {
    const raw = this.#raw;
    return raw === undefined ? super.get(name) : rawHeader(raw, name);
  }

  #filled(): this {
    const raw = this.#raw;
    if (raw !== undefined) {
      this.#raw = undefined;
      for (let index = 0; index < raw.length; index += 2)
        super.append(raw[index]!, raw[index + 1]!);
    }
    return this;
  }

  override has(name: string): boolean {
    return this.#filled() && super.has(name);
  }
  override set(name: string, value: string): void {
    this.#filled();
    super.set(name, value);
  }
  override append(name: string, value: string): void {
    this.#filled();
    super.append(name, value);
  }
  override delete(name: string): void {
    this.#filled();
    super.delete(name);
  }
  override getSetCookie(): string[] {
    this.#filled();
    return super.getSetCookie();
  }
  override forEach(
    callback: (value: string, key: string, parent: Headers) => void,
    thisArg?: unknown,
  ): void {
    this.#filled();
    super.forEach(callback, thisArg);
  }
  override entries(): Entries {
    this.#filled();
    return super.entries();
  }
  override keys(): ReturnType<Headers["keys"]> {
    this.#filled();
    return super.keys();
  }
  override values(): ReturnType<Headers["values"]> {
    this.#filled();
    return super.values();
  }
  override [Symbol.iterator](): Entries {
    this.#filled();
    return super[Symbol.iterator]();
  }
}
