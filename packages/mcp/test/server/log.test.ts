import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { stderrLogger } from "../../src/server/log.js";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("stderrLogger", () => {
  test("writes lines logged together in one write, a moment later, in order, scrubbed and on one line each", async () => {
    const writes: string[] = [];
    const logger = stderrLogger({
      write: (text) => writes.push(text),
      secrets: () => ["s3cr3t-token-value"],
      timestamps: false,
    });
    logger.log("info", "first call ok");
    await nextTurn();
    logger.log("warning", "token s3cr3t-token-value failed\nsecond line");
    logger.log("debug", "below the threshold");
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(writes).toEqual([
      "info alpacon-mcp: first call ok\nwarning alpacon-mcp: token [redacted] failed | second line\n",
    ]);
    logger.log("info", "later");
    logger.flush();
    expect(writes.at(-1)).toBe("info alpacon-mcp: later\n");
  });

  test("stamps each line with the time it was logged, not written", async () => {
    const writes: string[] = [];
    const logger = stderrLogger({ write: (text) => writes.push(text) });
    const before = Date.now();
    logger.log("notice", "ready");
    await new Promise((resolve) => setTimeout(resolve, 30));
    logger.flush();
    const stamp = Date.parse(writes.join("").split(" ")[0]!);
    expect(stamp).toBeGreaterThanOrEqual(before - 1);
    expect(stamp).toBeLessThan(before + 25);
  });

  test("writes what is queued when the process exits", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const script = [
      `import { stderrLogger } from ${JSON.stringify(join(root, "src/server/log.ts"))};`,
      `stderrLogger({ timestamps: false }).log("error", "last words");`,
      "process.exit(3);",
    ].join("\n");
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        cwd: root,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "",
          TSX_TSCONFIG_PATH: join(root, "test", "tsconfig.source.json"),
        },
      },
    );
    expect(child.status).toBe(3);
    expect(child.stderr).toBe("error alpacon-mcp: last words\n");
  });
});
