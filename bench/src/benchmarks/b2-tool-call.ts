import type { Config } from "../lib/config.js";
import { ms, type Row, row, times } from "../lib/row.js";
import type { Fixture } from "../lib/setup.js";
import { timeTasks } from "../lib/timing.js";

/** The request `servers_list` sends with its defaults (page 1, 20 per page). */
const SERVERS_PATH = "/api/servers/servers/?page=1&page_size=20";

/**
 * B2: one `servers_list` call over stdio, against the minimal server whose one tool fetches the
 * same sandbox URL and returns the body. The bare `fetch` from this process is the floor both
 * stand on. Both servers are started and warmed before any timing.
 */
export async function toolCallBench(config: Config, fixture: Fixture): Promise<Row[]> {
  const ours = fixture.startOurs();
  const minimal = fixture.startMinimal(SERVERS_PATH);
  try {
    await Promise.all([ours.initialize(), minimal.initialize()]);
    const url = `${fixture.workspace.baseUrl}${SERVERS_PATH}`;
    const headers = { Authorization: fixture.authorization };
    const result = await timeTasks(
      {
        "raw fetch": async () => (await fetch(url, { headers })).text(),
        minimal: () => minimal.callTool("fetch_servers", {}),
        ours: () => ours.callTool("servers_list", {}),
      },
      config.latency,
    );
    const raw = result["raw fetch"]!;
    const a = result.ours!;
    const b = result.minimal!;
    const p50 = a.median / b.median;
    const p95 = a.p95 / b.p95;
    const target = { op: "<=" as const, limit: 1.15, text: "≤ 1.15×" };
    const details = { oursMs: a, minimalMs: b, rawFetchMs: raw };
    return [
      row({
        id: "B2",
        what: "servers_list over stdio, p50",
        baseline: `minimal server ${ms(b.median)} (raw fetch ${ms(raw.median)})`,
        ours: ms(a.median),
        ratio: times(p50),
        target: target.text,
        checked: p50,
        targetSpec: target,
        details,
      }),
      row({
        id: "B2",
        what: "servers_list over stdio, p95",
        baseline: `minimal server ${ms(b.p95)} (raw fetch ${ms(raw.p95)})`,
        ours: ms(a.p95),
        ratio: times(p95),
        target: target.text,
        checked: p95,
        targetSpec: target,
        details: {},
      }),
    ];
  } finally {
    await Promise.all([ours.close(), minimal.close()]);
  }
}
