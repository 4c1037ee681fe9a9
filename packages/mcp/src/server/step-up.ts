import { AsyncLocalStorage } from "node:async_hooks";

// An OAuth caller's HTTP request, seen from inside its tool calls: a tool that meets the API's
// `auth_mfa_required` marks it, and the HTTP layer then answers 401 with the reference's
// `scope="… mfa"` challenge so the client signs in again with MFA (http/oauth-mode.ts).

export interface StepUpState {
  /** Set when a call in this request needs a fresh MFA. */
  needed: boolean;
  /** Whether this request's 401 will actually go out (not within the cooldown, see oauth-mode.ts). */
  willChallenge: boolean;
}

const current = new AsyncLocalStorage<StepUpState>();

export function runWithStepUp<T>(state: StepUpState, run: () => T): T {
  return current.run(state, run);
}

/**
 * Marks the current request as needing MFA. Says whether the client is being asked to sign in
 * again (`challenge`), was asked moments ago (`cooldown`), or the caller is not an OAuth one.
 */
export function requestStepUp(): "challenge" | "cooldown" | undefined {
  const state = current.getStore();
  if (!state) return undefined;
  state.needed = true;
  return state.willChallenge ? "challenge" : "cooldown";
}
