import { describe, expect, it } from "vitest";
import { parse } from "../../src/shell/parser.js";
import { makeShell, run, runAll } from "./helpers.js";

describe("compound commands", () => {
  it("runs if / elif / else on the condition's status", async () => {
    expect(
      (await run("if false; then echo a; elif true; then echo b; else echo c; fi")).stdout,
    ).toBe("b\n");
    expect((await run("if false; then echo a; else echo c; fi")).stdout).toBe("c\n");
    // No branch taken: status 0, like bash.
    expect(await run("false; if false; then echo a; fi")).toMatchObject({
      stdout: "",
      exitCode: 0,
    });
    expect((await run("if test -d /etc\nthen\n  echo dir\nfi")).stdout).toBe("dir\n");
  });

  it("loops with for over expanded words, and with while/until", async () => {
    expect((await run('for i in $(seq 1 3) "a b"; do echo "[$i]"; done')).stdout).toBe(
      "[1]\n[2]\n[3]\n[a b]\n",
    );
    expect((await run('x=; until [ "$x" = ... ]; do x=.$x; done; echo $x')).stdout).toBe("...\n");
    expect((await run("for f in /etc/host*; do echo $f; done")).stdout).toBe(
      "/etc/hostname\n/etc/hosts\n",
    );
  });

  it("keeps variables and cd in the current shell, unlike a subshell", async () => {
    const shell = makeShell();
    const result = await runAll(
      shell,
      "for d in /tmp /etc; do cd $d; done; { last=$d; }",
      "pwd; echo $last",
    );
    expect(result.stdout).toBe("/etc\n/etc\n");
  });

  it("honours break and continue, with a level count", async () => {
    expect(
      (
        await run(
          "for a in 1 2 3; do for b in x y; do [ $b = y ] && continue 2; [ $a = 3 ] && break 2; echo $a$b; done; done",
        )
      ).stdout,
    ).toBe("1x\n2x\n");
    expect(await run("break; echo after")).toMatchObject({
      stdout: "after\n",
      stderr: "bash: break: only meaningful in a `for', `while', or `until' loop\n",
    });
  });

  it("reads piped or redirected input line by line with while read", async () => {
    const users = await run(
      "while IFS=: read -r name _ uid _; do if [ $uid -ge 1000 ] && [ $uid -lt 65534 ]; then echo $name; fi; done < /etc/passwd",
    );
    expect(users.stdout).toBe("ubuntu\n");
    expect(
      (await run("printf '1 2 3\\nlast' | while read a rest; do echo \"$a|$rest\"; done")).stdout,
    ).toBe("1|2 3\n");
    expect((await run("read a b <<< '  x   y  z ' ; echo \"$a|$b|\"")).stdout).toBe("x|y  z|\n");
  });

  it("negates a condition and redirects a group's streams", async () => {
    const result = await run(
      "if ! grep -q nosuch /etc/hosts; then echo absent; fi; { cat /nonexistent; echo ok; } 2>/dev/null",
    );
    expect(result).toMatchObject({ stdout: "absent\nok\n", stderr: "" });
  });

  it("pipes and redirects a whole compound command", async () => {
    expect((await run("for i in 3 1 2; do echo $i; done | sort")).stdout).toBe("1\n2\n3\n");
    const shell = makeShell();
    const result = await runAll(shell, "{ echo one; echo two; } > /tmp/both", "cat /tmp/both");
    expect(result.stdout).toBe("one\ntwo\n");
  });

  it("counts with $(( … )) in a while loop", async () => {
    expect((await run("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i + 1)); done")).stdout).toBe(
      "0\n1\n2\n",
    );
    expect(
      (await run('n=7; echo "$(( (n * 3 + 1) / 2 % 5 )) $((2 ** 10)) $((n > 5 && 1)) $((-n))"'))
        .stdout,
    ).toBe("1 1024 1 -7\n");
    expect(await run("echo $((1 / 0)); echo next")).toMatchObject({
      stdout: "next\n",
      stderr: 'bash: 1 / 0: division by 0 (error token is "0")\n',
    });
  });

  it("stays interruptible in an endless loop", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await makeShell().run("while true; do :; done", { signal: controller.signal });
    expect(result.exitCode).toBe(130);
  });

  it("reports bash's syntax errors for incomplete or misplaced keywords", () => {
    expect(() => parse("if true; then echo")).toThrow("bash: syntax error: unexpected end of file");
    expect(() => parse("if true; then fi")).toThrow("syntax error near unexpected token `fi'");
    expect(() => parse("for x in a; echo; done")).toThrow(
      "syntax error near unexpected token `echo'",
    );
    expect(() => parse("for 1x in a; do :; done")).toThrow("`1x': not a valid identifier");
    expect(() => parse("done")).toThrow("syntax error near unexpected token `done'");
    expect(() => parse("case x in esac")).toThrow("not supported");
    expect(() => parse("echo $((1 + 2)")).toThrow("unexpected EOF while looking for matching `)'");
  });
});
