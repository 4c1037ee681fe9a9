import { delimiter } from "node:path";
import { describe, expect, test } from "vitest";
import { HELP, parseCliOptions, UsageError } from "../src/cli-options.js";
import { TOOLSETS } from "../src/index.js";

describe("parseCliOptions", () => {
  test("defaults", () => {
    expect(parseCliOptions([], {})).toEqual({
      help: false,
      version: false,
      server: {
        load: { configFile: undefined },
        toolsets: undefined,
        tools: undefined,
        excludeTools: undefined,
        readOnly: false,
        confirm: "elicit",
        allowDirs: undefined,
      },
    });
  });

  test("flags win over environment variables", () => {
    const options = parseCliOptions(
      ["--toolsets", "servers, metrics", "--read-only", "--confirm", "allow", "--allow-dir", "/a"],
      {
        ALPACON_MCP_TOOLSETS: "iam",
        ALPACON_MCP_CONFIRM: "deny",
        ALPACON_MCP_ALLOW_DIRS: `/b${delimiter}/c`,
      },
    );
    expect(options.server).toMatchObject({
      toolsets: ["servers", "metrics"],
      readOnly: true,
      confirm: "allow",
      allowDirs: ["/a"],
    });
  });

  test("environment variables apply without flags", () => {
    const options = parseCliOptions([], {
      ALPACON_MCP_EXCLUDE_TOOLS: "command_run,iam_user_delete",
      ALPACON_MCP_READ_ONLY: "true",
      ALPACON_MCP_ALLOW_DIRS: `/b${delimiter}/c`,
    });
    expect(options.server).toMatchObject({
      excludeTools: ["command_run", "iam_user_delete"],
      readOnly: true,
      allowDirs: ["/b", "/c"],
    });
  });

  test.each([[["--confirm", "maybe"]], [["--nope"]], [["extra"]]])(
    "%j is a usage error",
    (argv) => {
      expect(() => parseCliOptions(argv, {})).toThrow(UsageError);
    },
  );

  test("the help lists every toolset", () => {
    for (const toolset of TOOLSETS) expect(HELP).toContain(toolset);
  });
});
