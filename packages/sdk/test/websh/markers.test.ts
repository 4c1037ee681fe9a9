import { describe, expect, it } from "vitest";
import { MarkerIds, MarkerScanner } from "../../src/websh/markers.js";

const SESSION = "0123456789abcdef";
const ID = `${SESSION}1`;

/** What the sandbox's terminal sends for one exec: echo of the line, markers, prompt. */
function terminalText(output: string, status: number, end = `__ALPE_${ID}_${status}__`): string {
  return (
    `printf '\\n__ALPS_%s__\\n' ${ID}; eval …; printf '\\n__ALPE_%s_%d__\\n' ${ID} $?\r\n` +
    `\r\n__ALPS_${ID}__\r\n${output}\r\n${end}\r\nubuntu@web-1:~$ `
  );
}

function scan(pieces: string[], maxBytes = 1024 * 1024) {
  const scanner = new MarkerScanner(ID, SESSION, maxBytes);
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

  it("does not end on another id's marker or on a marker without a status", () => {
    const output = [
      `__ALPE_${ID}0_0__`,
      `__ALPE_${SESSION}2_0__`,
      `__ALPE_${ID}_x__`,
      `__ALPE_${ID}___`,
      `__ALPE_${SESSION}___`,
      "",
    ];
    expect(scan([terminalText(output.join("\r\n"), 0)])).toMatchObject({
      output: output.join("\n"),
      exitCode: 0,
    });
  });

  it("ends on the session's exit marker, wherever the frames split it", () => {
    // `exit 4`: the shell ends before the end marker; its EXIT trap prints the session's.
    const text = terminalText("bye\r\n", 4, `__ALPE_${SESSION}_4__`);
    const whole = scan([text]);
    expect(whole).toEqual({ output: "bye\n", exitCode: 4, truncated: false });
    for (let cut = 1; cut < text.length; cut++) {
      expect(scan([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it("does not take an exit marker printed before its own start marker", () => {
    const scanner = new MarkerScanner(ID, SESSION, 1024);
    scanner.push(`\r\n__ALPE_${SESSION}_0__\r\n`);
    scanner.push(`\r\n__ALPS_${ID}__\r\nout\r\n`);
    expect(scanner.done).toBe(false);
  });

  it("has no status until the end marker is complete", () => {
    const text = terminalText("out\r\n", 12);
    const scanner = new MarkerScanner(ID, SESSION, 1024);
    scanner.push(text.slice(0, text.indexOf("_12__") + 2));
    expect(scanner.done).toBe(false);
    scanner.push(text.slice(text.indexOf("_12__") + 2));
    expect(scanner.result()).toMatchObject({ output: "out\n", exitCode: 12 });
  });

  it("caps output in bytes, cutting between characters", () => {
    // The cap counts from the newline before the output: 2 + 49 bytes leave 24 "é" and a half.
    const output = "é".repeat(40);
    const result = scan([terminalText(output, 0)], 51);
    expect(result.truncated).toBe(true);
    expect(result.output).toBe("é".repeat(24));
    expect(result.exitCode).toBe(0);
    // Fed one character at a time, the count is the same.
    expect(scan([...terminalText(output, 0)], 51)).toEqual(result);
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

describe("MarkerIds", () => {
  it("never repeats an id within a session and differs between sessions", () => {
    const ids = new MarkerIds();
    const seen = new Set(Array.from({ length: 1000 }, () => ids.next()));
    expect(seen.size).toBe(1000);
    for (const id of seen) expect(id).toMatch(/^[0-9a-z]+$/);
    // Every id starts with the session's id (what its exit marker carries) and adds to it.
    for (const id of seen) expect(id.startsWith(ids.session) && id !== ids.session).toBe(true);
    expect(new MarkerIds().next()).not.toBe(new MarkerIds().next());
  });
});
