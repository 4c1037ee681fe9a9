const utf8 = new TextDecoder();
// A registry symbol, so the check holds across the separate CommonJS bundles of the entry points.
const BUFFERED = Symbol.for("@alpacon/sdk/buffered-response");

/**
 * A response whose body is already in memory. Reading it decodes the bytes directly: a plain
 * `new Response(bytes)` would wrap them in a web stream again, only for openapi-fetch to read
 * that stream back into bytes. `body` stays null; read it with text(), json() or arrayBuffer().
 */
export class BufferedResponse extends Response {
  readonly [BUFFERED] = true;
  readonly #bytes: Uint8Array;

  // A null body for the base: a Response cannot carry one for 204 and 304.
  constructor(bytes: Uint8Array, init: ResponseInit) {
    super(null, init);
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
