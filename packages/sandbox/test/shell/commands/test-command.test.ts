import { describe, expect, it } from "vitest";
import { run } from "../helpers.js";

describe("test and [", () => {
  it("checks files", async () => {
    expect((await run("[ -f /etc/os-release ] && echo yes")).stdout).toBe("yes\n");
    expect((await run("test -d /etc/os-release; echo $?")).stdout).toBe("1\n");
    expect((await run("[ -e /nope ] || echo missing")).stdout).toBe("missing\n");
    expect((await run("[ -x /usr/bin/ls ] && echo exec")).stdout).toBe("exec\n");
  });

  it("compares strings and integers", async () => {
    expect((await run('[ "$USER" = ubuntu ]; echo $?')).stdout).toBe("0\n");
    expect((await run("[ 3 -gt 10 ]; echo $?")).stdout).toBe("1\n");
    expect((await run("[ -z '' ] && [ -n x ] && [ ! a = b ]; echo $?")).stdout).toBe("0\n");
  });

  it("reports misuse with status 2", async () => {
    expect(await run("[ 1 -eq 1")).toMatchObject({ exitCode: 2, stderr: "bash: [: missing `]'\n" });
    expect(await run("[ a -eq 1 ]")).toMatchObject({
      exitCode: 2,
      stderr: "bash: [: a: integer expression expected\n",
    });
  });
});
