import { describe, expect, it } from "vitest";
import { parseTokenVariable } from "../../../src/node/config/env.js";

describe("parseTokenVariable", () => {
  it("reads region, workspace and kind, with _ standing for - in the workspace", () => {
    expect(parseTokenVariable("ALPACON_MCP_AP1_ACME_TOKEN")).toEqual({
      region: "ap1",
      workspace: "acme",
      kind: "TOKEN",
    });
    expect(parseTokenVariable("ALPACON_MCP_US1_MY_TEAM_URL")).toEqual({
      region: "us1",
      workspace: "my-team",
      kind: "URL",
    });
    expect(parseTokenVariable("ALPACON_MCP_US1_NEW-WS_TOKEN")?.workspace).toBe("new-ws");
  });

  it("leaves names unvalidated, for the caller to report", () => {
    expect(parseTokenVariable("ALPACON_MCP_AP1_BAD__TOKEN")?.workspace).toBe("bad-");
  });

  it("is undefined for every other name", () => {
    for (const name of [
      "ALPACON_MCP_CONFIG_FILE",
      "ALPACON_MCP_AUTH_TOKEN",
      "ALPACON_MCP_AP1_ACME_SECRET",
      "alpacon_mcp_ap1_acme_token",
      "X_ALPACON_MCP_AP1_ACME_TOKEN",
    ]) {
      expect(parseTokenVariable(name)).toBeUndefined();
    }
  });
});
