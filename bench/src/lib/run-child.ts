import { spawn } from "node:child_process";

/**
 * Runs a program to its end and returns its stdout; rejects with its stderr on a non-zero exit.
 * Bounded by `timeoutMs` so a stuck child cannot hang the benchmark.
 */
export function runChild(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args[0] ?? ""} ended with ${signal ?? code}: ${stderr}`));
    });
  });
}

/** Runs a Node script with this process's Node binary and parses the last stdout line as JSON. */
export async function runNodeJson<T>(
  script: string,
  args: readonly string[],
  timeoutMs: number,
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const stdout = await runChild(process.execPath, [...nodeFlags, script, ...args], timeoutMs);
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as T;
}
