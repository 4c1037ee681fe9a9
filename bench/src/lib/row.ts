/**
 * One line of the results table. `checked` is the number the target is about: a ratio for
 * relative targets (ours ÷ baseline, or baseline ÷ ours for "× faster"), an absolute value
 * otherwise.
 */
export interface Row {
  id: string;
  what: string;
  /** Human text of the baseline's number, "—" when the target is absolute. */
  baseline: string;
  ours: string;
  /** Human text of `checked` when it is a ratio; "—" otherwise. */
  ratio: string;
  target: string;
  checked: number;
  pass: boolean;
  /** Raw numbers behind the row (summaries in ms, bytes …), for latest.json. */
  details: Record<string, unknown>;
}

export interface Target {
  op: "<=" | ">=";
  limit: number;
  text: string;
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return target.op === "<=" ? value <= target.limit : value >= target.limit;
}

export function row(input: Omit<Row, "pass"> & { targetSpec: Target }): Row {
  const { targetSpec, ...rest } = input;
  return { ...rest, pass: meets(input.checked, targetSpec) };
}

// --- formatting

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

export function times(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

export function rate(perSecond: number, unit: string): string {
  return `${Math.round(perSecond).toLocaleString("en-US")} ${unit}`;
}
