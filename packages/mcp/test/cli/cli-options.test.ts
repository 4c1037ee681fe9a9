import { delimiter } from "node:path";
import { describe, expect, test } from "vitest";
import { HELP, parseCliOptions, UsageError } from "../../src/cli/cli-options.js";
import { TOOLSETS } from "../../src/index.js";

describe("parseCliOptions", () => {
  test("defaults", () => {
    expect(parseCliOptions([], {})).toEqual({
      help: false,
      version: false,
      transport: "stdio",
      host: "127.0.0.1",
      port: 8237,
      authToken: undefined,
      stateless: false,
      allowedHosts: undefined,
      allowedOrigins: undefined,
      sessionIdleMs: 30 * 60_000,
      auditLog: undefined,
      logLevel: "info",
      sandbox: false,
      server: {
        load: { configFile: undefined, env: {} },
        toolsets: undefined,
        tools: undefined,
        excludeTools: undefined,
        readOnly: false,
        outputSchemas: false,
        codeMode: false,
        confirm: "elicit",
        allowDirs: undefined,
      },
      notes: [],
    });
  });

  test("HTTP options from flags and variables", () => {
    const options = parseCliOptions(
      ["--transport", "http", "--port", "0", "--allowed-hosts", "a.example, b.example"],
      {
        ALPACON_MCP_HOST: "::1",
        ALPACON_MCP_PORT: "9000",
        ALPACON_MCP_AUTH_TOKEN: "0123456789abcdef0123",
        ALPACON_MCP_ALLOW_ORIGINS: "https://app.example",
        ALPACON_MCP_SESSION_IDLE_MINUTES: "5",
        ALPACON_MCP_AUDIT_LOG: "/var/log/alpacon-mcp.jsonl",
        ALPACON_MCP_LOG_LEVEL: "debug",
        ALPACON_MCP_SANDBOX: "yes",
      },
    );
    expect(options).toMatchObject({
      transport: "http",
      host: "::1",
      port: 0,
      authToken: "0123456789abcdef0123",
      allowedHosts: ["a.example", "b.example"],
      allowedOrigins: ["https://app.example"],
      sessionIdleMs: 5 * 60_000,
      auditLog: "/var/log/alpacon-mcp.jsonl",
      logLevel: "debug",
      sandbox: true,
    });
  });

  test("--allow-origin: none by default, repeatable, checked; * needs a bearer token", () => {
    const http = ["--transport", "http"];
    expect(parseCliOptions(http, {}).allowedOrigins).toBeUndefined();
    expect(
      parseCliOptions(
        [
          ...http,
          "--allow-origin",
          "http://localhost:6274",
          "--allow-origin",
          "https://a.example,https://b.example",
        ],
        { ALPACON_MCP_ALLOW_ORIGINS: "https://ignored.example" },
      ).allowedOrigins,
    ).toEqual(["http://localhost:6274", "https://a.example", "https://b.example"]);
    for (const bad of [
      "localhost:6274",
      "https://app.example/path",
      "file:///tmp/x.html",
      "null",
    ]) {
      expect(() => parseCliOptions([...http, "--allow-origin", bad], {})).toThrow(
        /origins as browsers send them/,
      );
    }
    expect(() => parseCliOptions([...http, "--allow-origin", "*"], {})).toThrow(/--auth-token/);
    expect(
      parseCliOptions([...http, "--allow-origin", "*", "--auth-token", "0123456789abcdef0123"], {})
        .allowedOrigins,
    ).toEqual(["*"]);
    expect(() => parseCliOptions(["--allow-origin", "https://a.example"], {})).toThrow(
      /only applies with --transport http/,
    );
  });

  test("--auth oauth: workspace and public URL from flags, the provider and keys from variables", () => {
    const env = {
      ALPACON_MCP_OAUTH_ISSUER: "https://tenant.example.auth0.com/",
      ALPACON_MCP_OAUTH_CLIENT_ID: "mcp-client",
      ALPACON_MCP_OAUTH_CLIENT_SECRET: "shh-secret",
      ALPACON_MCP_OAUTH_KEY: "a".repeat(64),
      ALPACON_MCP_OAUTH_REDIRECT_URIS: "https://app.example/cb",
      ALPACON_MCP_AP1_ACME_URL: "http://127.0.0.1:9999/ap1/acme",
    };
    const options = parseCliOptions(
      [
        "--transport",
        "http",
        "--auth",
        "oauth",
        "--workspace",
        "acme",
        "--public-url",
        "https://mcp.example",
      ],
      env,
    );
    expect(options.oauth).toEqual({
      workspace: "acme",
      region: "ap1",
      alpaconUrl: "http://127.0.0.1:9999/ap1/acme",
      publicUrl: "https://mcp.example",
      issuer: "https://tenant.example.auth0.com/",
      clientId: "mcp-client",
      clientSecret: "shh-secret",
      audience: "https://alpacon.io/access/",
      keys: ["a".repeat(64)],
      redirectUris: ["https://app.example/cb"],
      clientMetadataDocuments: true,
    });
    expect(
      parseCliOptions(["--transport", "http", "--auth", "oauth", "--workspace", "acme"], {
        ...env,
        ALPACON_MCP_OAUTH_CLIENT_METADATA: "0",
      }).oauth?.clientMetadataDocuments,
    ).toBe(false);
    expect(() => parseCliOptions(["--transport", "http", "--auth", "oauth"], {})).toThrow(
      /ALPACON_MCP_OAUTH_ISSUER .*ALPACON_MCP_OAUTH_CLIENT_ID .*ALPACON_MCP_OAUTH_KEY .*--workspace/,
    );
    expect(() =>
      parseCliOptions(["--transport", "http", "--auth", "oauth", "--workspace", "acme"], {
        ...env,
        ALPACON_MCP_AUTH_TOKEN: "0123456789abcdef0123",
      }),
    ).toThrow(/exclude each other/);
    expect(() => parseCliOptions(["--transport", "http", "--workspace", "acme"], env)).toThrow(
      /--workspace only applies with --auth oauth/,
    );
    expect(() => parseCliOptions(["--transport", "http", "--auth", "magic"], env)).toThrow(
      UsageError,
    );
  });

  test("stateless mode cannot elicit: destructive calls are refused unless allowed", () => {
    const options = parseCliOptions(["--transport", "http", "--stateless"], {});
    expect(options.server.confirm).toBe("deny");
    expect(options.notes[0]).toMatch(/--confirm allow/);
    const allowed = parseCliOptions(
      ["--transport", "http", "--stateless", "--confirm", "allow"],
      {},
    );
    expect(allowed.server.confirm).toBe("allow");
    expect(allowed.notes).toEqual([expect.stringMatching(/leaves out the websh channel tools/)]);
    expect(allowed.server.stateless).toBe(true);
  });

  test("stateless mode refuses a websh channel tool named in --tools", () => {
    expect(() =>
      parseCliOptions(
        ["--transport", "http", "--stateless", "--tools", "websh_channel_execute,servers_list"],
        {},
      ),
    ).toThrow(/websh_channel_execute keep a websh channel open between calls/);
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

  test.each([
    [["extra"], "extra"],
    [["--port", "9000", "extra"], "extra"],
    [["--read-only", "setup", "--nope"], "setup"],
  ])("%j names the first unexpected argument and the commands", (argv, extra) => {
    expect(() => parseCliOptions(argv, {})).toThrow(
      new RegExp(`^Unexpected argument '${extra}'; commands are setup, `),
    );
  });

  test("the help lists every toolset", () => {
    for (const toolset of TOOLSETS) expect(HELP).toContain(toolset);
  });
});
