/**
 * `$(( … ))`: bash's integer arithmetic for the expressions loops use (`i=$((i + 1))`,
 * `$((total / count))`, comparisons and logic). No assignments (`i++`, `x += 2`) and no `?:`.
 */

/** An expansion that fails the command, as bash does: the message goes to stderr, status 1. */
export class ExpansionError extends Error {
  override readonly name = "ExpansionError";
}

const TOKEN =
  /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<=|>=|==|!=|&&|\|\||<<|>>|[-+*/%()<>!~&|^])/y;

/** Binary operators by precedence level, loosest first. */
const LEVELS: readonly (readonly string[])[] = [
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["==", "!="],
  ["<", "<=", ">", ">="],
  ["<<", ">>"],
  ["+", "-"],
  ["*", "/", "%"],
];

export function evaluateArithmetic(
  expression: string,
  lookup: (name: string) => string | undefined,
): number {
  const tokens: string[] = [];
  let at = 0;
  const source = expression.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, "$1");
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(source);
    if (match === null) throw syntaxError(expression, source.slice(at).trim());
    tokens.push(match[1]!);
    at = TOKEN.lastIndex;
  }
  let index = 0;
  const peek = () => tokens[index];
  const binary = (level: number): number => {
    if (level === LEVELS.length) return power();
    let left = binary(level + 1);
    while (peek() !== undefined && LEVELS[level]!.includes(peek()!)) {
      const op = tokens[index++]!;
      left = apply(op, left, binary(level + 1), expression);
    }
    return left;
  };
  const power = (): number => {
    const base = unary();
    if (peek() !== "**") return base;
    index++;
    const exponent = power();
    if (exponent < 0) throw new ExpansionError(`bash: ${expression}: exponent less than 0`);
    return Math.trunc(base ** exponent);
  };
  const unary = (): number => {
    const op = peek();
    if (op === "-" || op === "+" || op === "!" || op === "~") {
      index++;
      const value = unary();
      return op === "-" ? -value : op === "+" ? value : op === "!" ? Number(value === 0) : ~value;
    }
    return primary();
  };
  const primary = (): number => {
    const token = tokens[index++];
    if (token === undefined) throw syntaxError(expression, "");
    if (token === "(") {
      const value = binary(0);
      if (tokens[index++] !== ")") throw syntaxError(expression, tokens[index - 1] ?? "");
      return value;
    }
    if (/^\d/.test(token))
      return Number(
        token.startsWith("0x") || token.startsWith("0X") ? Number.parseInt(token, 16) : token,
      );
    if (/^[A-Za-z_]/.test(token)) {
      // A variable holds a number (or nothing, which counts as 0).
      const value = (lookup(token) ?? "").trim();
      if (value === "") return 0;
      if (!/^[-+]?\d+$/.test(value)) return evaluateArithmetic(value, lookup);
      return Number(value);
    }
    throw syntaxError(expression, token);
  };
  if (tokens.length === 0) return 0;
  const result = binary(0);
  if (index < tokens.length) throw syntaxError(expression, tokens.slice(index).join(" "));
  return result;
}

function apply(op: string, left: number, right: number, expression: string): number {
  switch (op) {
    case "+":
      return left + right;
    case "-":
      return left - right;
    case "*":
      return left * right;
    case "/":
    case "%":
      if (right === 0) {
        throw new ExpansionError(
          `bash: ${expression}: division by 0 (error token is "${String(right)}")`,
        );
      }
      return op === "/" ? Math.trunc(left / right) : left % right;
    case "<":
      return Number(left < right);
    case "<=":
      return Number(left <= right);
    case ">":
      return Number(left > right);
    case ">=":
      return Number(left >= right);
    case "==":
      return Number(left === right);
    case "!=":
      return Number(left !== right);
    case "&&":
      return Number(left !== 0 && right !== 0);
    case "||":
      return Number(left !== 0 || right !== 0);
    case "&":
      return left & right;
    case "|":
      return left | right;
    case "^":
      return left ^ right;
    case "<<":
      return left << right;
    default:
      return left >> right;
  }
}

function syntaxError(expression: string, token: string): ExpansionError {
  const trimmed = expression.trim();
  return token === ""
    ? new ExpansionError(
        `bash: ${trimmed}: syntax error: operand expected (error token is "${trimmed}")`,
      )
    : new ExpansionError(
        `bash: ${trimmed}: syntax error: invalid arithmetic operator (error token is "${token}")`,
      );
}
