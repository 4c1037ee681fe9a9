import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/index.js";
import {
  checkWebshCommand,
  lineIds,
  MarkerScanner,
  markerId,
  markerLine,
} from "../../src/websh/markers.js";

const ID = "0123456789abcdef01234567";
const EXIT_ID = "fedcba9876543210fedcba98";
const IDS = { end: ID, exit: EXIT_ID };

/** What the sandbox's terminal sends for one exec: echo of the line, markers, prompt. */
function terminalText(output: string, status: number, end = `__ALPE_${ID}_${status}__`): string {
  return (
    ` trap "printf '\\n__ALPX_%s_%d__\\n' ${EXIT_ID} \\$?" EXIT; printf '\\n__ALPS_%s__\\n' ${ID}; eval …; printf '\\n__ALPE_%s_%d__\\n' ${ID} $?\r\n` +
    `\r\n__ALPS_${ID}__\r\n${output}\r\n${end}\r\nubuntu@web-1:~$ `
  );
}

function scan(pieces: string[], maxBytes = 1024 * 1024) {
  const scanner = new MarkerScanner(IDS, maxBytes);
  for (const piece of pieces) scanner.push(piece);
  return scanner.result();
}

describe("MarkerScanner", () => {
  it("finds the same output and status wherever the frames split the text", () => {
    const text = terminalText("hi\r\nthere\r\n", 42);
    const whole = scan([text]);
    expect(whole).toEqual({ output: "hi\nthere\n", exitCode: 42, truncated: false });
    for (let cut = 1; cut < text.length; cut++) {
      expect(scan([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(scan([...text])).toEqual(whole);
  });

  it("does not end on another id's marker or on a marker without a valid status", () => {
    const output = [
      `__ALPE_${ID}0_0__`,
      `__ALPE_${ID.slice(0, -1)}_0__`,
      `__ALPE_${ID}_x__`,
      `__ALPE_${ID}___`,
      `__ALPE_${ID}_256__`,
      `__ALPE_${ID}_1000__`,
      `__ALPE_${ID}_007__`,
      `__ALPE_${ID}_-1__`,
      "",
    ];
    expect(scan([terminalText(output.join("\r\n"), 0)])).toMatchObject({
      output: output.join("\n"),
      exitCode: 0,
    });
  });

  it("takes the exit marker's status only when the session ends before the end marker", () => {
    // `exit 4`: bash says "exit", the EXIT trap prints the exit marker, the session ends.
    const exited = `\r\n__ALPS_${ID}__\r\nbye\r\nexit\r\n\r\n__ALPX_${EXIT_ID}_4__\r\n`;
    for (let cut = 1; cut < exited.length; cut++) {
      const scanner = new MarkerScanner(IDS, 1024);
      scanner.push(exited.slice(0, cut));
      scanner.push(exited.slice(cut));
      expect(scanner.done).toBe(false);
      expect(scanner.exiting).toBe(true);
      expect(scanner.result(true)).toEqual({
        output: "bye\nexit\n",
        exitCode: 4,
        truncated: false,
      });
    }
    // Printed by the command itself (it can read `trap -p`): the end marker still decides.
    const forged = terminalText(`__ALPX_${EXIT_ID}_0__\r\nFATAL`, 3);
    const scanner = new MarkerScanner(IDS, 1024);
    scanner.push(forged);
    expect(scanner.result()).toMatchObject({ exitCode: 3 });
    // Without the session ending, an exit marker is no status at all.
    const open = new MarkerScanner(IDS, 1024);
    open.push(exited);
    expect(open.result()).toMatchObject({ exitCode: undefined });
  });

  it("takes statuses 0 to 255", () => {
    expect(scan([terminalText("", 0)]).exitCode).toBe(0);
    expect(scan([terminalText("", 255)]).exitCode).toBe(255);
  });

  it("does not take an end marker printed before its own start marker", () => {
    const scanner = new MarkerScanner(IDS, 1024);
    scanner.push(`\r\n__ALPE_${ID}_0__\r\n`);
    scanner.push(`\r\n__ALPS_${ID}__\r\nout\r\n`);
    expect(scanner.done).toBe(false);
  });

  it("has no status until the end marker is complete", () => {
    const text = terminalText("out\r\n", 12);
    const scanner = new MarkerScanner(IDS, 1024);
    scanner.push(text.slice(0, text.indexOf("_12__") + 2));
    expect(scanner.done).toBe(false);
    scanner.push(text.slice(text.indexOf("_12__") + 2));
    expect(scanner.result()).toMatchObject({ output: "out\n", exitCode: 12 });
  });

  it("keeps the end of long output, cut in bytes between characters", () => {
    // The last 56 bytes: "\r\nFATAL\r\n" (9) and 47 bytes of "é" (2 each): 23 and a half.
    const output = `${"é".repeat(40)}\r\nFATAL`;
    const result = scan([terminalText(output, 0)], 56);
    expect(result.truncated).toBe(true);
    expect(result.output).toBe(`${"é".repeat(23)}\nFATAL`);
    expect(result.exitCode).toBe(0);
    // Fed one character at a time, the cut is the same.
    expect(scan([...terminalText(output, 0)], 56)).toEqual(result);
  });

  it("keeps the end of output far over the cap, in bounded memory", () => {
    const scanner = new MarkerScanner(IDS, 1000);
    scanner.push(`\r\n__ALPS_${ID}__\r\n`);
    for (let line = 0; line < 20_000; line++) scanner.push(`line ${line}\r\n`);
    scanner.push(`FATAL: out of memory\r\n__ALPE_${ID}_1__\r\n`);
    const result = scanner.result();
    expect(result).toMatchObject({ truncated: true, exitCode: 1 });
    expect(result.output.endsWith("line 19999\nFATAL: out of memory")).toBe(true);
    expect(new TextEncoder().encode(result.output).length).toBeLessThanOrEqual(1000);
  });

  it("keeps output under the cap whole", () => {
    // 2 + 40 + 2 bytes with the newlines around it; 20 UTF-16 units.
    const output = "🙂".repeat(10);
    expect(scan([terminalText(output, 0)], 44)).toMatchObject({ output, truncated: false });
    expect(scan([terminalText(output, 0)], 41)).toMatchObject({
      output: "🙂".repeat(9),
      truncated: true,
    });
  });

  it("strips escape sequences and carriage returns, and leaves plain text as it is", () => {
    expect(scan([terminalText("\u001b[31mred\u001b[0m\r\r\nx\ry", 0)]).output).toBe("red\nxy");
    expect(scan([terminalText("tab\there  \\ 'q'", 0)]).output).toBe("tab\there  \\ 'q'");
  });

  it("returns what arrived so far when the end marker never came", () => {
    const text = terminalText("partial\r\n", 0);
    const result = scan([text.slice(0, text.indexOf("partial") + 9)]);
    expect(result).toMatchObject({ output: "partial\n", exitCode: undefined });
  });
});

describe("lineIds", () => {
  it("draws two different fresh ids", () => {
    const ids = lineIds();
    expect(ids.end).not.toBe(ids.exit);
    expect(lineIds().end).not.toBe(ids.end);
  });
});

describe("markerId", () => {
  it("is fresh for every command: 96 random bits, never repeated", () => {
    const seen = new Set(Array.from({ length: 5000 }, () => markerId()));
    expect(seen.size).toBe(5000);
    for (const id of seen) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe("markerLine", () => {
  it("sets the EXIT trap with the line's own exit id, and keeps the line out of history", () => {
    const line = markerLine("echo hi", IDS);
    expect(line).toBe(
      ` trap "printf '\\n__ALPX_%s_%d__\\n' ${EXIT_ID} \\$?" EXIT; printf '\\n__ALPS_%s__\\n' ${ID}; eval 'echo hi'; printf '\\n__ALPE_%s_%d__\\n' ${ID} $?\r`,
    );
    // The echoed line never holds a marker verbatim; the trap never holds the end id.
    expect(line).not.toContain(`__ALPE_${ID}`);
    expect(line).not.toContain(`__ALPS_${ID}`);
    expect(line).not.toContain(`__ALPX_${EXIT_ID}`);
    expect(line.slice(0, line.indexOf(" EXIT;"))).not.toContain(ID);
  });
});

describe("checkWebshCommand", () => {
  it("refuses every control character, naming it and where it is", () => {
    for (const code of [0x00, 0x03, 0x04, 0x09, 0x0a, 0x0d, 0x15, 0x17, 0x1b, 0x7f, 0x9b]) {
      const command = `echo a${String.fromCharCode(code)}rm -rf /tmp/x`;
      expect(() => checkWebshCommand(command)).toThrow(ConfigError);
    }
    expect(() => checkWebshCommand("echo a\u0015rm x")).toThrow(
      /control character \(U\+0015\) at position 7/,
    );
    expect(() => checkWebshCommand("a\nb")).toThrow(/a line break \(U\+000A\)/);
  });

  it("accepts printable text of any script", () => {
    for (const command of ["echo 'é 🙂 ünïcode'", "printf '\\t\\025\\n'", "a && b; c | d # e"]) {
      expect(() => checkWebshCommand(command)).not.toThrow();
    }
  });
});
