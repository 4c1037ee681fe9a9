// The part of a WebSocket the websh session uses, declared here so the public .d.ts does not
// reach `isomorphic-ws` / `@types/ws`: TypeScript users need no extra type package. Both ws
// (Node) and the browser's WebSocket satisfy it.

/** Method-style, so a handler of a richer event type (ws's CloseEvent …) still fits. */
type Listener<E> = { bivarianceHack(event: E): void }["bivarianceHack"];

export declare class WebSocketLike {
  constructor(url: string, options?: { headers?: Record<string, string> });
  readonly readyState: number;
  binaryType: string;
  onopen: Listener<unknown> | null;
  onclose: Listener<{ code: number; reason: string }> | null;
  onerror: Listener<{ message?: string }> | null;
  onmessage: Listener<{ data: unknown }> | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}
