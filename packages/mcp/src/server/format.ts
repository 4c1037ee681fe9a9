import type { Page } from "@alpacon/sdk";

/** The page envelope in the field names tools expose (see `pageInfo` in tools/define.ts). */
export function pageFields(page: Page<unknown>) {
  return { count: page.count, page: page.current, lastPage: page.last, nextPage: page.next };
}

/** The API's paging query for the `page` and `pageSize` arguments (`pagination`, tools/define.ts). */
export function pageQuery(args: { page: number; pageSize: number }) {
  return { page: args.page, page_size: args.pageSize };
}

/** Websh and WebFTP session URLs carry single-use tokens: of no use to a model, so lists drop them. */
export function withoutWebsocketUrls<T extends { websocket_url?: unknown }>(
  sessions: readonly T[],
): Array<Omit<T, "websocket_url">> {
  return sessions.map(({ websocket_url: _url, ...session }) => session);
}

/** "3 of 45 servers (page 1 of 3; call again with page: 2 for more)". */
export function pageLine(
  noun: string,
  result: { count: number; page: number; lastPage: number; nextPage: number | null },
  shown: number,
): string {
  const where =
    result.lastPage > 1
      ? ` (page ${result.page} of ${result.lastPage}`
      : result.page > 1
        ? " ("
        : "";
  const more =
    result.nextPage !== null ? `; call again with page: ${result.nextPage} for more` : "";
  const close = where ? ")" : "";
  return `${shown} of ${result.count} ${noun}${where}${more}${close}`;
}

/** A list tool's text: the page line, then the page's items (the first 20 of them). */
export function pageSummary<T>(
  noun: string,
  result: { count: number; page: number; lastPage: number; nextPage: number | null },
  items: readonly T[],
  render: (item: T) => string,
): string {
  return pageLine(noun, result, items.length) + listLines(items, render);
}

const MAX_LINES = 20;

/** At most 20 lines of a list for the text summary; the structured content holds every item. */
export function listLines<T>(items: readonly T[], render: (item: T) => string): string {
  if (items.length === 0) return "";
  const lines = items.slice(0, MAX_LINES).map((item) => `- ${render(item)}`);
  if (items.length > MAX_LINES)
    lines.push(`- … ${items.length - MAX_LINES} more in the structured result`);
  return `\n${lines.join("\n")}`;
}

/** Keeps the end of a long output (where errors and results usually are) and says so. */
export function tail(
  text: string,
  maxChars: number,
): { text: string; truncated: boolean; omittedChars: number } {
  if (text.length <= maxChars) return { text, truncated: false, omittedChars: 0 };
  const omittedChars = text.length - maxChars;
  return { text: text.slice(omittedChars), truncated: true, omittedChars };
}

/** `T` with keys that may hold undefined made optional instead (exactOptionalPropertyTypes). */
export type Compact<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops keys whose value is undefined, so optional arguments map onto exact optional types. */
export function compact<T extends Record<string, unknown>>(value: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as Compact<T>;
}

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return "unknown size";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

/** "3 d 4 h", "2 h 5 min", "42 s": an uptime or age in seconds, as people read it. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const [d, h, m] = [
    Math.floor(s / 86_400),
    Math.floor((s % 86_400) / 3600),
    Math.floor((s % 3600) / 60),
  ];
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}
