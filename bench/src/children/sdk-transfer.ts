/**
 * B4's SDK side, in a process of its own so its RSS is the SDK's alone (the sandbox lives in the
 * parent). Does one small warm-up transfer each way, so first-use module loading is not counted
 * as transfer memory, then one measured transfer, and prints one JSON line.
 */
import { writeFileSync } from "node:fs";
import { createAlpaconClient } from "@alpacon/sdk";
import { downloadFile, uploadFile } from "@alpacon/sdk/node";
import { readMemory } from "../lib/proc.js";

export interface TransferJob {
  op: "upload" | "download";
  baseUrl: string;
  token: string;
  workspace: string;
  region: string;
  server: string;
  localPath: string;
  remotePath: string;
  warmLocalPath: string;
  warmRemotePath: string;
}

export interface TransferReport {
  ms: number;
  /** First to last progress report: the byte-streaming part, without the REST steps. */
  streamMs: number;
  /** CPU time (user + system, all threads) this process spent on the transfer. */
  cpuMs: number;
  /** Of which in the kernel (socket reads, file writes, page faults). */
  systemCpuMs: number;
  /** Page faults during the transfer: fresh memory the kernel had to map (and zero). */
  minorFaults: number;
  bytes: number;
  rssBefore: number;
  rssPeak: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as TransferJob;
const client = createAlpaconClient({
  baseUrl: job.baseUrl,
  token: job.token,
  workspace: job.workspace,
  region: job.region,
});
const { server } = job;

await uploadFile(client, { server, remotePath: job.warmRemotePath, localPath: job.warmLocalPath });
await downloadFile(client, {
  server,
  remotePath: job.warmRemotePath,
  localPath: `${job.warmLocalPath}.back`,
});

// Started with --expose-gc: collect the warm-up's garbage so "before" is the settled heap.
(globalThis as { gc?: () => void }).gc?.();
const before = readMemory("self").rss;
let exactPeak = true;
try {
  // "5" resets the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux ≥ 4.0).
  writeFileSync("/proc/self/clear_refs", "5");
} catch {
  exactPeak = false;
}
let peak = before;
// Only where VmHWM could not be reset: sample instead (sampling itself costs CPU, so not always).
const sampler = exactPeak
  ? undefined
  : setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);

let firstByte = 0;
let lastByte = 0;
const onProgress = () => {
  lastByte = performance.now();
  if (firstByte === 0) firstByte = lastByte;
};
const cpuBefore = process.cpuUsage();
const faultsBefore = process.resourceUsage().minorPageFault;
const started = performance.now();
const target = { server, remotePath: job.remotePath, localPath: job.localPath, onProgress };
const result =
  job.op === "upload" ? await uploadFile(client, target) : await downloadFile(client, target);
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const minorFaults = process.resourceUsage().minorPageFault - faultsBefore;
if (sampler) clearInterval(sampler);
peak = Math.max(peak, readMemory("self").peak);

const report: TransferReport = {
  ms: elapsed,
  streamMs: lastByte - firstByte,
  cpuMs: (cpu.user + cpu.system) / 1000,
  systemCpuMs: cpu.system / 1000,
  minorFaults,
  bytes: result.bytes,
  rssBefore: before,
  rssPeak: peak,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
