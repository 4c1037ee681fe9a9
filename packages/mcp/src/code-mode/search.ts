import { SDK_DOCS, SDK_METHODS, SDK_TYPES } from "../generated/sdk-index.js";
import { type BridgedMethod, bridgedMethods } from "./surface.js";

export interface SearchHit {
  kind: "method" | "type" | "doc";
  name: string;
  /** A signature or type to copy, or a README section's text. */
  text: string;
  doc?: string;
  /** Methods: what a call does (reads run unasked; anything else asks the user). */
  effect?: string;
  /** Methods: why `execute` cannot call it here, when it cannot. */
  unavailable?: string;
  /** Methods: the types its signature names, as one line each. */
  types?: string[];
}

const TYPES = new Map(SDK_TYPES.map((entry) => [entry.name, entry.text]));

/** The types a signature names, each cut to a line a model reads at a glance. */
function typesOf(signature: string): string[] {
  const names = [...new Set(signature.match(/QueryOf<"\w+">|\b[A-Z]\w+/g) ?? [])];
  return names
    .flatMap((name) => {
      const text = TYPES.get(name);
      return text ? [text.length > 400 ? `${text.slice(0, 400)}…` : text] : [];
    })
    .slice(0, 4);
}

/** `listServers`, `top-servers`, `ACLs` → lowercase words, camelCase split. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1);
}

/** A crude stem, so "servers" finds "server" and "listing" finds "list". */
function stem(word: string): string {
  return word.replace(/(ies|es|s|ing|ed)$/, "") || word;
}

function score(query: readonly string[], fields: readonly [string, number][]): number {
  let total = 0;
  for (const word of query) {
    let best = 0;
    for (const [text, weight] of fields) {
      const found = words(text).map(stem);
      if (found.includes(word)) best = Math.max(best, weight);
      else if (found.some((candidate) => candidate.startsWith(word)))
        best = Math.max(best, weight / 2);
    }
    // Every word counts; a word found nowhere costs a little, so full matches come first.
    total += best || -0.5;
  }
  return total;
}

/**
 * The index entries that best match the words: methods (with their signature, effect and
 * whether this server's `execute` may call them), the types they name, and README sections.
 */
export function searchSdk(
  query: string,
  limit: number,
  refusal: (method: BridgedMethod) => string | null,
): { hits: SearchHit[]; total: number } {
  const wanted = [...new Set(words(query).map(stem))];
  const bridged = new Map(bridgedMethods().map((method) => [method.path, method]));
  const scored: [number, SearchHit][] = [];
  for (const entry of SDK_METHODS) {
    const points = score(wanted, [
      [entry.path, 3],
      [entry.signature, 1.5],
      [entry.doc, 1],
    ]);
    if (points <= 0) continue;
    const method = bridged.get(entry.path);
    const unavailable = method ? refusal(method) : "not bridged into code mode (use its tool)";
    scored.push([
      points + 0.5,
      {
        kind: "method",
        name: `alpacon.${entry.path}`,
        text: entry.signature,
        doc: entry.doc,
        ...(method ? { effect: method.effect } : {}),
        ...(unavailable ? { unavailable } : {}),
        types: typesOf(entry.signature),
      },
    ]);
  }
  for (const entry of SDK_TYPES) {
    const points = score(wanted, [
      [entry.name, 2.5],
      [entry.text, 0.5],
    ]);
    if (points > 0) scored.push([points, { kind: "type", name: entry.name, text: entry.text }]);
  }
  for (const entry of SDK_DOCS) {
    const points = score(wanted, [
      [entry.heading, 2],
      [entry.text, 0.5],
    ]);
    if (points > 0)
      scored.push([points - 0.5, { kind: "doc", name: entry.heading, text: entry.text }]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  return { hits: scored.slice(0, limit).map(([, hit]) => hit), total: scored.length };
}
