import type { Server } from "@modelcontextprotocol/sdk/server/index.js";

/**
 * How the tools that ask first are confirmed: every tool whose effect is more than reading or
 * adding a note (commands, shells, transfers, changes, deletions, access grants, credentials;
 * see `effectOf` in tools/define.ts):
 * - `elicit` (default): ask the user through MCP elicitation; a client that cannot ask gets a
 *   refusal that says how to allow such calls. Safe by default: nothing destructive runs unseen.
 * - `allow`: run without asking; the MCP client's own tool approval is the only check.
 * - `deny`: refuse every destructive call (they stay listed, unlike with `readOnly`).
 */
export type ConfirmMode = "elicit" | "allow" | "deny";

export const CONFIRM_MODES: readonly ConfirmMode[] = ["elicit", "allow", "deny"];

export type Decision = { run: true } | { run: false; why: string; todo: string };

export async function confirmCall(
  server: Server,
  mode: ConfirmMode,
  question: string,
  request: { requestId: string | number; signal: AbortSignal },
): Promise<Decision> {
  if (mode === "allow") return { run: true };
  if (mode === "deny") {
    return {
      run: false,
      why: "this server refuses every call that needs the user's confirmation (confirm mode deny)",
      // Stateless HTTP (team deployments behind a load balancer) runs in deny or allow only:
      // the user's answer would reach another instance, so say which restart is possible.
      todo: "Do not retry. If such calls are wanted, ask the person who runs the server to restart it with --confirm allow (the MCP client's own tool approval is then the only check) or, with HTTP sessions (not --stateless), with --confirm elicit so that each call is asked",
    };
  }
  if (!server.getClientCapabilities()?.elicitation?.form) {
    return {
      run: false,
      why: "this tool changes or runs something and needs the user's confirmation, but this MCP client cannot ask for it (no elicitation support)",
      todo: "Restart alpacon-mcp with --confirm allow (or ALPACON_MCP_CONFIRM=allow) to rely on the client's own tool approval instead, or use a client that supports elicitation",
    };
  }
  const answer = await server.elicitInput(
    {
      mode: "form",
      message: visible(question, { keepNewlines: true }),
      requestedSchema: {
        type: "object",
        properties: {
          confirm: {
            type: "boolean",
            title: "Run it",
            description: "Untick or decline to cancel.",
            default: true,
          },
        },
        // Not required: the MCP SDK checks the answer against this schema, and a client that
        // shows only the message and an OK button answers `content: {}`, which means yes.
      },
    },
    { relatedRequestId: request.requestId, signal: request.signal },
  );
  // A bare accept (no content, or content without the box) is a yes: clients that show only
  // the message and an OK button send `{action: "accept", content: {}}`.
  if (answer.action === "accept" && answer.content?.confirm !== false) return { run: true };
  return {
    run: false,
    why: `the user ${answer.action === "cancel" ? "dismissed" : "declined"} the confirmation, so nothing was done`,
    todo: "Do not retry unless the user asks for it",
  };
}

// C0 and C1 controls, DEL, and the invisible marks that reorder or hide text (bidi overrides and
// isolates, zero-width characters): a terminal or chat window would act on them or not show them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Text with every control character, escape sequence and invisible mark written out
 * (`\x1b[2J`, `\x15`, `\u202e`), so a question shows exactly what will run. With `keepNewlines`
 * a line break stays one (the question's own layout); values quoted in it use `quoted`.
 */
export function visible(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(HIDDEN, (char) => {
    if (char === "\n" && options.keepNewlines) return char;
    const code = char.codePointAt(0)!;
    if (char === "\n") return "\\n";
    if (char === "\t") return "\\t";
    if (char === "\r") return "\\r";
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A value inside a question, in backticks, with line breaks and controls written out. */
export function quoted(value: string): string {
  return `\`${visible(value)}\``;
}

// Names of variables whose values are secrets by convention (MYSQL_PWD, GH_PAT, API_KEY …).
// Variables that name programs to run (GIT_ASKPASS, SUDO_ASKPASS) are not secrets: they change
// what runs, so they are always shown.
const SECRET_NAME =
  /(?:^|_)(?:PASS|PASSWD|PASSWORD|PWD|SECRET|TOKEN|PAT|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)(?:$|_)/i;

/**
 * Environment variables as the question shows them: every name, and every value except a secret
 * (a secret-looking name whose value is not a path) and the password of a URL. A hidden value
 * is shown by its length, so an empty one and a real one still differ.
 */
export function envForQuestion(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      const isPath = /^[~/.]/.test(value);
      if (SECRET_NAME.test(name) && !/ASKPASS$/i.test(name) && !isPath) {
        return `${name}=(secret, ${value.length} characters, not shown)`;
      }
      return `${name}=${quoted(withoutUrlPasswords(value))}`;
    })
    .join(", ");
}

/** `postgres://app:s3cret@db/app` → `postgres://app:***@db/app`. */
function withoutUrlPasswords(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, "$1***@");
}
