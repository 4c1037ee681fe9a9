import { expect } from "vitest";
import type { ToolCall } from "./harness.js";

/** The tool refused or failed, and its message says why (a substring or a pattern). */
export function expectToolError(result: ToolCall, mentioning: string | RegExp): void {
  expect(result.isError).toBe(true);
  if (typeof mentioning === "string") expect(result.text).toContain(mentioning);
  else expect(result.text).toMatch(mentioning);
}

/** The arguments failed the tool's input schema, before the tool ran. */
export function expectInvalidInput(result: ToolCall): void {
  expectToolError(result, /Input validation error/);
}
