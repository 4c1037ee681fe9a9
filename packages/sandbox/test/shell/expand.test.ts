import { describe, expect, it } from "vitest";
import { makeShell, run } from "./helpers.js";

describe("expansion", () => {
  it("splits unquoted expansions and keeps quoted ones whole", async () => {
    const shell = makeShell();
    await shell.run('x="a   b"');
    expect((await shell.run("printf '[%s]' $x \"$x\"; echo")).stdout).toBe("[a][b][a   b]\n");
    expect((await shell.run("printf '[%s]' \"\" $unset; echo")).stdout).toBe("[]\n");
  });

  it("expands ~, ~user and braced parameter forms", async () => {
    expect((await run("echo ~ ~root ~/x '~'")).stdout).toBe(
      "/home/ubuntu /root /home/ubuntu/x ~\n",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    expect((await run("echo ${NOPE:-fallback} ${HOME:+set} ${#USER}")).stdout).toBe(
      "fallback set 6\n",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    expect((await run("echo ${V:=assigned}; echo $V")).stdout).toBe("assigned\nassigned\n");
  });

  it("substitutes command output without trailing newlines", async () => {
    expect((await run('echo "host=$(hostname)" `whoami`')).stdout).toBe("host=web-1 ubuntu\n");
    expect((await run("x=$(false); echo $?")).stdout).toBe("1\n");
  });

  it("globs unquoted patterns only, whichever part of a word is quoted", async () => {
    const shell = makeShell();
    await shell.run("cd /etc");
    expect((await shell.run("echo host*")).stdout).toBe("hostname hosts\n");
    expect((await shell.run("echo 'host'* \"host*\" host\\* 'ho'\"st\"")).stdout).toBe(
      "hostname hosts host* host* host\n",
    );
    await shell.run("pattern='host*'");
    expect((await shell.run('echo $pattern "$pattern"')).stdout).toBe("hostname hosts host*\n");
  });

  it("keeps empty quoted words and drops empty unquoted ones", async () => {
    expect((await run("printf '[%s]' '' \"\" $nothing x''; echo")).stdout).toBe("[][][x]\n");
  });

  it("exposes $$ and $0", async () => {
    const result = await run("echo $0 $$");
    expect(result.stdout).toMatch(/^bash \d+\n$/);
  });
});
