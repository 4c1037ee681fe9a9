import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadFile, uploadFile } from "@alpacon/sdk/node";
import { type Example, runExample } from "./run.js";

/** Uploads a local file to a server, downloads it back, and compares the bytes. */
export const fileRoundTrip: Example = async (alpacon, log) => {
  const { results } = await alpacon.servers.list({ page_size: 100 });
  const server = results.find((item) => item.is_connected && !/windows/i.test(item.os_name ?? ""));
  if (!server) throw new Error("No connected Linux server to copy files to.");
  const dir = await mkdtemp(join(tmpdir(), "alpacon-example-"));
  try {
    const original = join(dir, "report.txt");
    await writeFile(original, `generated at ${new Date().toISOString()}\n`.repeat(1000));
    const up = await uploadFile(alpacon, {
      server: server.id,
      localPath: original,
      remotePath: "/tmp/report.txt",
    });
    log(`uploaded ${up.bytes} bytes: ${up.message}`);
    const back = join(dir, "report-back.txt");
    const down = await downloadFile(alpacon, {
      server: server.id,
      remotePath: "/tmp/report.txt",
      localPath: back,
    });
    const same = (await readFile(original)).equals(await readFile(back));
    log(`downloaded ${down.bytes} bytes; identical: ${same}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1]}`) await runExample(fileRoundTrip);
