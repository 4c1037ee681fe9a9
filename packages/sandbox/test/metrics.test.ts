import { describe, expect, it } from "vitest";
import { useSandbox } from "./helpers/sandbox.js";

const NOW = Date.parse("2026-03-02T09:30:00Z");
const STEP_MS = 5 * 60_000;

describe("metrics time series", () => {
  const sb = useSandbox({ servers: 6, now: () => NOW });

  async function serverIds(): Promise<string[]> {
    const res = await sb.api().get("/api/servers/servers/?page_size=100");
    const servers: Array<{ id: string; is_connected: boolean }> = res.body.results;
    // Only connected servers report up to now; the ranges below end shortly before it.
    return servers.filter((server) => server.is_connected).map((server) => server.id);
  }

  it("stamps points with ISO 8601 UTC times on the 5-minute grid, oldest first, for every range", async () => {
    const [server] = await serverIds();
    // Two overlapping ranges: instants already seen in the first must read the same in the second.
    for (const [start, end] of [
      ["2026-03-02T06:00:00Z", "2026-03-02T08:00:00Z"],
      ["2026-03-02T07:02:00Z", "2026-03-02T09:00:00Z"],
    ]) {
      const res = await sb
        .api()
        .get(`/api/metrics/realtime/cpu/?server=${server}&start=${start}&end=${end}`);
      expect(res.status).toBe(200);
      const times: string[] = res.body.map((point: { timestamp: string }) => point.timestamp);
      const first = Math.ceil(Date.parse(start!) / STEP_MS) * STEP_MS;
      const expected = [];
      for (let t = first; t <= Date.parse(end!); t += STEP_MS)
        expected.push(new Date(t).toISOString());
      expect(times).toEqual(expected);
    }
  });

  it("gives every series of every server the same instants", async () => {
    const servers = await serverIds();
    const range = "start=2026-03-02T08:00:00Z&end=2026-03-02T09:00:00Z";
    const instants = new Set<string>();
    for (const server of servers.slice(0, 3)) {
      for (const metric of ["cpu", "memory", "traffic"]) {
        const res = await sb
          .api()
          .get(`/api/metrics/realtime/${metric}/?server=${server}&${range}`);
        expect(res.status).toBe(200);
        for (const point of res.body as Array<{ timestamp: string }>) instants.add(point.timestamp);
      }
    }
    expect([...instants].sort()).toEqual(
      Array.from({ length: 13 }, (_, index) =>
        new Date(Date.parse("2026-03-02T08:00:00Z") + index * STEP_MS).toISOString(),
      ),
    );
  });
});
