import type { EventRecord, IamUser, Note, ServerRecord } from "../state/model.js";
import { hashSeed, Rng } from "./rng.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const NOTE_TEXTS = [
  "Primary for the payments API. Do not reboot during business hours.",
  "Disk was resized to 200 GiB on the last maintenance window.",
  "Runs the nightly backup job at 02:00 KST.",
  "Kernel upgrade pending; schedule with the owning team.",
  "Hosts the staging copy of the customer database (masked data).",
  "Decommission planned next quarter; migrate cron jobs first.",
  "nginx config is managed by Ansible; manual edits get overwritten.",
  "On-call: page #sre before restarting services here.",
  "Swap disabled on purpose (Elasticsearch).",
  "Firewall allows 5432 only from the app subnet.",
  "Temporary debug logging enabled, revert after the incident review.",
  "Hardware ticket opened with the provider for intermittent NIC resets.",
];

const EVENT_KINDS: readonly {
  reporter: string;
  record: string;
  description: (s: ServerRecord) => string;
}[] = [
  {
    reporter: "alpamon",
    record: "started",
    description: (s) => `alpamon ${s.agentVersion} started on ${s.name}.`,
  },
  { reporter: "alpamon", record: "committed", description: () => "System information committed." },
  {
    reporter: "alpamon",
    record: "restarted",
    description: () => "alpamon restarted after an upgrade.",
  },
  {
    reporter: "alpamon",
    record: "disconnected",
    description: (s) => `${s.name} lost its connection to Alpacon.`,
  },
  { reporter: "alpamon", record: "connected", description: (s) => `${s.name} reconnected.` },
  {
    reporter: "alpacon",
    record: "login_failed",
    description: () => "Failed SSH login attempt from 198.51.100.23.",
  },
  { reporter: "alpacon", record: "sudo", description: () => "sudo used by a workspace member." },
  {
    reporter: "osquery",
    record: "package_installed",
    description: () => "Package installed: htop.",
  },
  {
    reporter: "metrics",
    record: "cpu_high",
    description: () => "CPU usage above 90% for 5 minutes.",
  },
  { reporter: "metrics", record: "disk_warning", description: () => "Disk usage of / above 85%." },
];

/** Seeded notes: about one server in five has one to three. */
export function generateNotes(
  seed: number,
  servers: readonly ServerRecord[],
  users: readonly IamUser[],
  now: number,
): Note[] {
  const rng = new Rng(hashSeed(seed, "notes"));
  const notes: Note[] = [];
  for (const server of servers) {
    if (!rng.chance(0.2)) continue;
    const count = rng.int(1, 3);
    let pinned = 0;
    for (let i = 0; i < count; i++) {
      const added = now - rng.int(1, 300) * DAY - rng.int(0, DAY);
      const isPinned = pinned < 3 && rng.chance(0.3);
      if (isPinned) pinned++;
      notes.push({
        id: rng.uuid(),
        server: server.id,
        author: rng.pick(users.slice(0, Math.min(users.length, 8))).id,
        content: rng.pick(NOTE_TEXTS),
        private: rng.chance(0.1),
        pinned: isPinned,
        added_at: added,
        updated_at: added + (rng.chance(0.3) ? rng.int(1, 20) * HOUR : 0),
      });
    }
  }
  return notes;
}

/** Seeded events over the last two weeks: a few per server. */
export function generateEvents(
  seed: number,
  servers: readonly ServerRecord[],
  now: number,
): EventRecord[] {
  const rng = new Rng(hashSeed(seed, "events"));
  const events: EventRecord[] = [];
  for (const server of servers) {
    const kinds = [EVENT_KINDS[0], EVENT_KINDS[1]];
    const extra = rng.int(0, 4);
    for (let i = 0; i < extra; i++) kinds.push(rng.pick(EVENT_KINDS.slice(2)));
    if (!server.isConnected) kinds.push(EVENT_KINDS[3]);
    for (const [i, kind] of kinds.entries()) {
      if (!kind) continue;
      const added =
        i === 0
          ? server.startedAt
          : i === 1
            ? server.startedAt + 60_000
            : kind.record === "disconnected"
              ? server.lastConnectivity
              : Math.max(server.addedAt, now - rng.int(0, 14 * DAY));
      const description = kind.description(server);
      const count = kind.reporter === "alpacon" || kind.reporter === "metrics" ? rng.int(1, 12) : 1;
      events.push({
        id: rng.uuid(),
        server: server.id,
        reporter: kind.reporter,
        record: kind.record,
        description,
        count,
        data: { hostname: server.name, version: server.agentVersion },
        added_at: added,
        updated_at: added + (count > 1 ? rng.int(1, 50) * 60_000 : 0),
        searchText:
          `${server.id} ${server.name} ${kind.reporter} ${kind.record} ${description}`.toLowerCase(),
      });
    }
  }
  return events;
}
