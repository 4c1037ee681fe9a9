import { describe, expect, it } from "vitest";
import { Shell } from "../../src/shell/index.js";
import { Pty } from "../../src/websh/pty.js";
import { makeServer } from "../shell/helpers.js";

/** A PTY over a fresh `web-1` shell, collecting what the terminal prints. */
function terminal(size = { rows: 24, cols: 80 }) {
  const output: string[] = [];
  const exits: number[] = [];
  const shell = new Shell({ server: makeServer(), tty: true });
  const pty = new Pty({
    shell,
    size: () => size,
    onOutput: (text) => output.push(text),
    onExit: (code) => exits.push(code),
  });
  const text = () => output.join("");
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  return { pty, shell, size, text, exits, settle };
}

describe("Pty line discipline", () => {
  it("shows the prompt and typed text to a channel that joins", () => {
    const t = terminal();
    expect(t.pty.screen()).toBe("ubuntu@web-1:~$ ");
    t.pty.input("ech");
    expect(t.pty.screen()).toBe("ubuntu@web-1:~$ ech");
  });

  it("echoes, runs on CR and prints the next prompt with CRLF output", async () => {
    const t = terminal();
    t.pty.input(Buffer.from("printf 'a\\nb\\n'\r"));
    await t.settle();
    expect(t.text()).toBe("printf 'a\\nb\\n'\r\na\r\nb\r\nubuntu@web-1:~$ ");
  });

  it("decodes UTF-8 split across frames", async () => {
    const t = terminal();
    const bytes = Buffer.from("echo héllo\r");
    t.pty.input(bytes.subarray(0, 7));
    t.pty.input(bytes.subarray(7));
    await t.settle();
    expect(t.text()).toContain("héllo\r\nubuntu@web-1");
  });

  it("echoes typed text between control keys and escape sequences as typed", async () => {
    const t = terminal();
    // Backspace, an arrow key (swallowed) and a non-BMP character in the middle of the line.
    t.pty.input("echo ab\x7fc\x1b[D 🙂d\r");
    await t.settle();
    expect(t.text()).toBe("echo ab\b \bc 🙂d\r\nac 🙂d\r\nubuntu@web-1:~$ ");
  });

  it("runs the next line normally after an interrupted one", async () => {
    const t = terminal();
    t.pty.input("sleep 30\r");
    await t.settle();
    t.pty.input("\x03");
    await t.settle();
    t.pty.input("sleep 0.01; echo after\r");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.text()).toMatch(
      /\^C\r\nubuntu@web-1:~\$ sleep 0\.01; echo after\r\nafter\r\nubuntu@web-1:~\$ $/,
    );
  });

  it("kills the line with Ctrl-U and a word with Ctrl-W", async () => {
    const t = terminal();
    t.pty.input("echo one two\x17three\r");
    await t.settle();
    expect(t.text()).toContain("\r\none three\r\n");
    t.pty.input("garbage\x15echo ok\r");
    await t.settle();
    expect(t.text()).toContain("\r\nok\r\n");
  });

  it("abandons the line on Ctrl-C at the prompt", async () => {
    const t = terminal();
    t.pty.input("echo never\x03");
    expect(t.text()).toBe("echo never^C\r\nubuntu@web-1:~$ ");
    t.pty.input("\r");
    await t.settle();
    expect(t.text()).not.toContain("never\r\nnever");
  });

  it("runs type-ahead after the running command, echoed again after the prompt", async () => {
    const t = terminal();
    t.pty.input("sleep 0.05\r");
    t.pty.input("echo next\r");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.text()).toBe(
      "sleep 0.05\r\necho next\r\nubuntu@web-1:~$ echo next\r\nnext\r\nubuntu@web-1:~$ ",
    );
  });

  it("flushes type-ahead on Ctrl-C", async () => {
    const t = terminal();
    t.pty.input("sleep 5\recho queued\r\x03");
    await t.settle();
    expect(t.text()).toBe("sleep 5\r\necho queued\r\n^C\r\nubuntu@web-1:~$ ");
  });

  it("exits on Ctrl-D at an empty prompt", async () => {
    const t = terminal();
    t.pty.input("\x04");
    await t.settle();
    expect(t.exits).toEqual([0]);
    expect(t.pty.closed).toBe(true);
    expect(t.text()).toBe("exit\r\n");
  });

  it("applies a new size at once (resizepty)", async () => {
    const t = terminal();
    t.size.rows = 50;
    t.size.cols = 200;
    t.pty.syncSize();
    expect(t.shell.terminalSize).toEqual({ rows: 50, cols: 200 });
    t.pty.input("stty size\r");
    await t.settle();
    expect(t.text()).toContain("\r\n50 200\r\n");
  });
});
