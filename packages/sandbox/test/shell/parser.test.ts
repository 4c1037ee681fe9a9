import { describe, expect, it } from "vitest";
import type { SimpleCommand, Word } from "../../src/shell/index.js";
import { parse, ShellSyntaxError } from "../../src/shell/index.js";

function simple(line: string, index = 0): SimpleCommand {
  const command = parse(line).items[index]?.first.commands[0];
  if (command?.type !== "simple") throw new Error("not a simple command");
  return command;
}

/** Literal text of a word whose parts are all text. */
function text(word: Word | undefined): string {
  return (word?.parts ?? [])
    .map((part) => (part.type === "text" ? part.value : `<${part.type}>`))
    .join("");
}

function syntaxError(line: string): ShellSyntaxError {
  try {
    parse(line);
  } catch (error) {
    if (error instanceof ShellSyntaxError) return error;
    throw error;
  }
  throw new Error(`no syntax error for ${line}`);
}

describe("parse: words and quoting", () => {
  it("splits on blanks and keeps quoted blanks", () => {
    const command = simple(`echo a  'b c' "d  e" f\\ g`);
    expect(command.words.map(text)).toEqual(["echo", "a", "b c", "d  e", "f g"]);
  });

  it("marks quoted text so it is not split or globbed", () => {
    const [, star, quoted] = simple(`ls * '*'`).words;
    expect(star?.parts).toEqual([{ type: "text", value: "*", quoted: false }]);
    expect(quoted?.parts).toEqual([{ type: "text", value: "*", quoted: true }]);
  });

  it("keeps backslashes literal inside single quotes and interprets them in double quotes", () => {
    const [, single, double] = simple(`printf '\\n' "a\\"b\\$c\\d"`).words;
    expect(text(single)).toBe("\\n");
    expect(text(double)).toBe('a"b$c\\d');
  });

  it("recognises $VAR, braced names, $? and default values", () => {
    const [, word] = simple(`echo "$HOME/\${USER}x$?"`).words;
    expect(
      word?.parts
        .filter((part) => part.type === "param")
        .map((part) => part.type === "param" && part.name),
    ).toEqual(["HOME", "USER", "?"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    const [, fallback] = simple("echo ${X:-none}").words;
    expect(fallback?.parts[0]).toMatchObject({ type: "param", name: "X", operator: { op: ":-" } });
  });

  it("treats a lone $ and $ before a quote as literal", () => {
    expect(text(simple("echo $ a$").words[1])).toBe("$");
    expect(text(simple("echo $ a$").words[2])).toBe("a$");
  });

  it("decodes $'…' ANSI-C quoting", () => {
    expect(text(simple("echo $'a\\tb\\n'").words[1])).toBe("a\tb\n");
  });

  it("parses command substitution in both syntaxes", () => {
    const [, modern, legacy] = simple("echo $(uname -r) `hostname`").words;
    expect(modern?.parts[0]?.type).toBe("command");
    expect(legacy?.parts[0]?.type).toBe("command");
  });

  it("recognises leading assignments only before the command name", () => {
    const command = simple("A=1 B='x y' env C=3");
    expect(command.assignments.map((a) => [a.name, text(a.value)])).toEqual([
      ["A", "1"],
      ["B", "x y"],
    ]);
    expect(command.words.map(text)).toEqual(["env", "C=3"]);
  });

  it("drops comments but not # inside words", () => {
    expect(simple("echo a#b # comment").words.map(text)).toEqual(["echo", "a#b"]);
    expect(parse("# only a comment").items).toEqual([]);
  });

  it("parses tilde prefixes", () => {
    expect(simple("cd ~/x").words[1]?.parts[0]).toEqual({ type: "tilde", user: "" });
    expect(simple("cd ~root").words[1]?.parts[0]).toEqual({ type: "tilde", user: "root" });
    expect(simple("echo '~'").words[1]?.parts[0]).toMatchObject({ type: "text", value: "~" });
  });
});

describe("parse: operators and redirections", () => {
  it("builds pipelines and and-or lists separated by ;", () => {
    const script = parse("a | b && c || d; e");
    expect(script.items).toHaveLength(2);
    expect(script.items[0]?.first.commands).toHaveLength(2);
    expect(script.items[0]?.rest.map((r) => r.op)).toEqual(["&&", "||"]);
  });

  it("parses redirections with file descriptors", () => {
    const command = simple("cmd > out 2>> err 2>&1 < in");
    expect(command.redirects.map((r) => [r.fd, r.op, text(r.target)])).toEqual([
      [1, ">", "out"],
      [2, ">>", "err"],
      [2, ">&", "1"],
      [0, "<", "in"],
    ]);
    expect(command.words.map(text)).toEqual(["cmd"]);
  });

  it("does not treat digits inside a word as a descriptor", () => {
    const command = simple("echo a2>f");
    expect(command.words.map(text)).toEqual(["echo", "a2"]);
    expect(command.redirects[0]).toMatchObject({ fd: 1, op: ">" });
  });

  it("reads a descriptor only right before a redirection, and words that start with digits", () => {
    const command = simple("echo 12abc 10>f 3 2&>g 7<&-");
    expect(command.words.map(text)).toEqual(["echo", "12abc", "3", "2"]);
    expect(command.redirects.map((r) => [r.fd, r.op, text(r.target)])).toEqual([
      [10, ">", "f"],
      [1, "&>", "g"],
      [7, ">&", "-"],
    ]);
  });

  it("keeps blanks and operators inside a default-value operand, not quotes", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter syntax, not a JS template
    const [, word] = simple("echo ${X:-a b;c|d 'e}'}").words;
    const param = word?.parts[0];
    expect(param?.type === "param" && text(param.operator?.word)).toBe("a b;c|d e}");
  });

  it("merges a long quoted or plain run into one text part", () => {
    const [, plain, quoted] = simple(`echo abc-def/ghi.jkl "m n\\"o\\$p q"`).words;
    expect(plain?.parts).toEqual([{ type: "text", value: "abc-def/ghi.jkl", quoted: false }]);
    expect(quoted?.parts).toEqual([{ type: "text", value: 'm n"o$p q', quoted: true }]);
  });

  it("parses subshells", () => {
    const command = parse("(cd /tmp; ls) > out").items[0]?.first.commands[0];
    expect(command?.type).toBe("subshell");
  });
});

describe("parse: errors", () => {
  it.each([
    ["| ls", "bash: syntax error near unexpected token `|'"],
    ["ls | | wc", "bash: syntax error near unexpected token `|'"],
    ["; ls", "bash: syntax error near unexpected token `;'"],
    ["ls ;; ls", "bash: syntax error near unexpected token `;;'"],
    ["&& ls", "bash: syntax error near unexpected token `&&'"],
    ["echo >", "bash: syntax error near unexpected token `newline'"],
    ["echo > | x", "bash: syntax error near unexpected token `|'"],
    ["ls |", "bash: syntax error: unexpected end of file"],
    ["ls &&", "bash: syntax error: unexpected end of file"],
    ["echo 'abc", "bash: unexpected EOF while looking for matching `''"],
    ['echo "abc', "bash: unexpected EOF while looking for matching `\"'"],
    ["echo )", "bash: syntax error near unexpected token `)'"],
    ["echo (", "bash: syntax error near unexpected token `('"],
    ["fi", "bash: syntax error near unexpected token `fi'"],
  ])("%s", (line, message) => {
    const error = syntaxError(line);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
  });

  it("reports bad substitutions with status 1", () => {
    const error = syntaxError("echo ${x");
    expect(error.message).toBe("bash: ${x: bad substitution");
    expect(error.exitCode).toBe(1);
  });

  it("names unsupported compound commands instead of misbehaving", () => {
    expect(syntaxError("case $x in a) ;; esac").message).toContain(
      "`case' compound commands are not supported",
    );
    expect(syntaxError("sleep 5 &").message).toContain("background jobs");
  });
});
