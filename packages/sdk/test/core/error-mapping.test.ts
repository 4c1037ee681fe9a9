import { describe, expect, it } from "vitest";
import { toApiError } from "../../src/core/error-mapping.js";
import {
  AuthenticationError,
  MfaRequiredError,
  PermissionDeniedError,
  ValidationError,
  WORK_SESSION_CODES,
  WorkSessionError,
} from "../../src/index.js";

const init = (status: number, body: unknown) => ({
  status,
  method: "POST",
  path: "/api/events/commands/",
  body,
});

describe("work-session refusals", () => {
  // 403 in alpacon-cli@9483716:client/client_test.go, 400 in alpacon-mcp@22fc34c's tests.
  it.each([403, 400])(
    "become WorkSessionError on %i, with the gate's code and source",
    (status) => {
      const error = toApiError(init(status, { code: "work_session_required", source: "command" }));
      expect(error).toBeInstanceOf(WorkSessionError);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error.code).toBe("work_session_required");
      expect(error.source).toBe("command");
      expect(error.message).toMatch(/work session is required.*pass.*workSession/i);
    },
  );

  it("give each gate its own next step", () => {
    const hints = WORK_SESSION_CODES.map((code) => toApiError(init(403, { code })).message);
    for (const hint of hints) expect(hint).toMatch(/\. [A-Z].+/);
    expect(new Set(hints).size).toBe(WORK_SESSION_CODES.length);
    expect(toApiError(init(403, { code: "work_session_not_active" })).message).toMatch(/approv/);
  });

  it("leave other 400s validation errors", () => {
    const error = toApiError(init(400, { code: "work_session_unheard_of" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(WorkSessionError);
  });
});

describe("MFA refusals", () => {
  it("are MfaRequiredError whatever the status, never a bad-token error's advice", () => {
    for (const status of [401, 403]) {
      const error = toApiError(init(status, { code: "auth_mfa_required", source: "websh" }));
      expect(error).toBeInstanceOf(MfaRequiredError);
      expect(error.source).toBe("websh");
      expect(error.message).toMatch(/multi-factor/);
      expect(error.message).not.toMatch(/Check the API token/);
    }
    expect(toApiError(init(401, { detail: "Invalid token." }))).not.toBeInstanceOf(
      MfaRequiredError,
    );
    expect(toApiError(init(401, { detail: "Invalid token." }))).toBeInstanceOf(AuthenticationError);
  });
});
