import { readdirSync, readFileSync } from "node:fs";

const KIB = 1024;

/**
 * Resident memory of a process, from /proc (Linux). VmHWM is the kernel's own high-water mark,
 * so a peak between two samples is not missed.
 */
export function readMemory(pid: number | "self"): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}.`);
    return Number(match[1]) * KIB;
  };
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/**
 * CPU time a process has used so far, all threads, in ms (/proc/<pid>/task/<tid>/schedstat, ns).
 * Unlike wall time it hardly moves when other work shares the machine.
 */
export function cpuTimeMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns / 1e6;
}

/** Busy and total jiffies of every CPU (/proc/stat), for the share of the machine a load used. */
export function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const idle = values[3]! + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}
