/** One client method as its declaration says (see scripts/sdk-index.ts). */
export interface SdkMethodEntry {
  /** The path below the client: `servers.list`, `security.commandAcls.update`. */
  path: string;
  /** As a model would call it inside `execute`, without the request options. */
  signature: string;
  doc: string;
  /** The HTTP method its request uses, when it makes one directly. */
  http: string | null;
  /** Parameters before the request options, which the bridge fills in with the abort signal. */
  leading: number;
  /** Where the abort signal goes: a trailing options argument, inside the last one, nowhere. */
  signal: "trailing" | "inside" | "none";
  /** Returns an async iterator (collected into an array by the bridge). */
  iterator: boolean;
}

/** A type a signature names, as one line of TypeScript. */
export interface SdkTypeEntry {
  name: string;
  text: string;
}

/** A section of the SDK README. */
export interface SdkDocEntry {
  heading: string;
  text: string;
}
