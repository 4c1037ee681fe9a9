import { describe, expect, it } from "vitest";
import { makeShell, run, runAll } from "./helpers.js";

/**
 * The exact line the SDK's websh client sends for one command (written out here rather than
 * imported, so a change on either side shows up as a failing test, not a silent match). Every
 * line sets the EXIT trap with a fresh exit id of its own.
 */
function markerLine(command: string, id: string, exitId = `${id.slice(0, 16)}e`): string {
  const quoted = `'${command.replaceAll("'", `'\\''`)}'`;
  return (
    ` trap "printf '\\n__ALPX_%s_%d__\\n' ${exitId} \\$?" EXIT; printf '\\n__ALPS_%s__\\n' ${id}; ` +
    `eval ${quoted}; printf '\\n__ALPE_%s_%d__\\n' ${id} $?\r`
  );
}

const ID = "0123456789abcdef01234567";
const ID2 = "89abcdef0123456789abcdef";

describe("eval", () => {
  it("runs its joined arguments in the current shell", async () => {
    const shell = makeShell();
    const result = await runAll(shell, "eval cd /tmp '&&' export A=1", "pwd; echo $A");
    expect(result.stdout).toBe("/tmp\n1\n");
  });

  it("returns the status of the last command and expands again", async () => {
    expect((await run("eval false; echo $?")).stdout).toBe("1\n");
    expect((await run("X='echo twice'; eval $X")).stdout).toBe("twice\n");
    expect((await run("eval")).exitCode).toBe(0);
  });

  it("keeps comments and quotes inside the evaluated text", async () => {
    const result = await run(`eval 'echo "a b" # not printed'; echo after`);
    expect(result.stdout).toBe("a b\nafter\n");
  });

  it("reports syntax errors of the evaluated text like bash", async () => {
    const result = await run(`eval 'echo "'; echo $?`);
    expect(result.stderr).toBe(
      "bash: eval: line 1: unexpected EOF while looking for matching `\"'\n",
    );
    expect(result.stdout).toBe("2\n");
  });

  it("is a shell builtin", async () => {
    expect((await run("type eval trap")).stdout).toBe(
      "eval is a shell builtin\ntrap is a shell builtin\n",
    );
    expect((await run("which eval")).exitCode).toBe(1);
  });
});

describe("trap", () => {
  it("lists and resets traps", async () => {
    const shell = makeShell();
    await shell.run(`trap "echo it's done" EXIT; trap 'echo int' INT`);
    expect((await shell.run("trap")).stdout).toBe(
      "trap -- 'echo it'\\''s done' EXIT\ntrap -- 'echo int' SIGINT\n",
    );
    expect((await shell.run("trap -p INT")).stdout).toBe("trap -- 'echo int' SIGINT\n");
    await shell.run("trap - EXIT; trap INT");
    expect((await shell.run("trap")).stdout).toBe("");
  });

  it("rejects unknown signals", async () => {
    const result = await run("trap 'echo x' NOPE");
    expect(result.stderr).toBe("bash: trap: NOPE: invalid signal specification\n");
    expect(result.exitCode).toBe(1);
  });

  it("runs the EXIT trap on exit with $? set to the exit status", async () => {
    const shell = makeShell();
    const result = await shell.run("trap 'echo bye $?' EXIT; echo hi; exit 3; echo never");
    expect(result.stdout).toBe("hi\nbye 3\n");
    expect(result.exitCode).toBe(3);
    expect(result.exited).toBe(true);
  });

  it("does not fire after trap - EXIT, nor for a subshell's exit", async () => {
    const shell = makeShell();
    const reset = await shell.run("trap 'echo bye' EXIT; trap - EXIT; exit 0");
    expect(reset.stdout).toBe("");
    const sub = await makeShell().run("trap 'echo parent' EXIT; (exit 4); echo $?");
    expect(sub.stdout).toBe("4\n");
    const own = await makeShell().run("(trap 'echo child $?' EXIT; exit 5); echo $?");
    expect(own.stdout).toBe("child 5\n5\n");
  });

  it("lets the trap's own exit replace the status", async () => {
    const result = await makeShell().run("trap 'exit 7' EXIT; exit 1");
    expect(result.exitCode).toBe(7);
    expect(result.exited).toBe(true);
  });
});

describe("the SDK's websh marker line", () => {
  it("frames a successful command", async () => {
    const result = await makeShell().run(markerLine("echo hi", ID));
    expect(result.stdout).toBe(`\n__ALPS_${ID}__\nhi\n\n__ALPE_${ID}_0__\n`);
    expect(result.exited).toBe(false);
  });

  it("carries a failing status", async () => {
    const result = await makeShell().run(markerLine("false", ID));
    expect(result.stdout).toBe(`\n__ALPS_${ID}__\n\n__ALPE_${ID}_1__\n`);
  });

  it("reports exit N through the line's EXIT trap and ends the shell", async () => {
    const shell = makeShell({ tty: true });
    await shell.run(markerLine("true", ID));
    const result = await shell.run(markerLine("exit 3", ID2));
    expect(result.stdout).toBe(`\n__ALPS_${ID2}__\n\n__ALPX_${ID2.slice(0, 16)}e_3__\n`);
    expect(result.stderr).toBe("exit\n");
    expect(result.exited).toBe(true);
    expect(shell.exited).toBe(true);
  });

  it("keeps cd and exports for the next line", async () => {
    const shell = makeShell();
    await shell.run(markerLine("cd /tmp && export GREETING=hello", ID));
    const result = await shell.run(markerLine("pwd; echo $GREETING", ID2));
    expect(result.stdout).toBe(`\n__ALPS_${ID2}__\n/tmp\nhello\n\n__ALPE_${ID2}_0__\n`);
  });

  it("survives comments and quotes in the command", async () => {
    const command = `echo "it's" 'a "test"' # trailing comment; echo no`;
    const result = await makeShell().run(markerLine(command, ID));
    expect(result.stdout).toBe(`\n__ALPS_${ID}__\nit's a "test"\n\n__ALPE_${ID}_0__\n`);
  });

  it("leaves only the last line's EXIT trap behind", async () => {
    const shell = makeShell();
    await shell.run(markerLine("true", ID));
    await shell.run(markerLine("true", ID2));
    expect((await shell.run("trap")).stdout).toBe(
      `trap -- 'printf '\\''\\n__ALPX_%s_%d__\\n'\\'' ${ID2.slice(0, 16)}e $?' EXIT\n`,
    );
  });

  it("leaves no variable of its own in the user's shell", async () => {
    const shell = makeShell();
    await shell.run(markerLine("false", ID));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    expect((await shell.run("echo ${__alp_rc-unset}")).stdout).toBe("unset\n");
  });
});
