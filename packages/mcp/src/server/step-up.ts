import { AsyncLocalStorage } from "node:async_hooks";

// An OAuth caller's HTTP request, seen from inside its tool calls: a tool that meets the API's
// `auth_mfa_required` (or a refused token) marks it, and the HTTP layer then answers 401 with the
// reference's `scope="… mfa"` challenge (or a plain invalid_token one) so the client signs in
// again (http/oauth-mode.ts).

/** `mfa`: sign in again with MFA. `login`: the API refused the token (revoked): sign in again. */
export type StepUpKind = "mfa" | "login";

export interface StepUpState {
  /** Set when a call in this request needs a new sign-in. */
  needed: StepUpKind | undefined;
  /** Whether this request's 401 will actually go out (not within the cooldown, see oauth-mode.ts). */
  willChallenge: boolean;
}

const current = new AsyncLocalStorage<StepUpState>();

export function runWithStepUp<T>(state: StepUpState, run: () => T): T {
  return current.run(state, run);
}

/**
 * Marks the current request as needing a new sign-in. Says whether the client is being asked to
 * sign in again (`challenge`), cannot be now (`cooldown`), or the caller is not an OAuth one.
 */
export function requestStepUp(kind: StepUpKind): "challenge" | "cooldown" | undefined {
  const state = current.getStore();
  if (!state) return undefined;
  // MFA asks for more than a plain new login: it wins when both were met.
  if (state.needed !== "mfa") state.needed = kind;
  return state.willChallenge ? "challenge" : "cooldown";
}
