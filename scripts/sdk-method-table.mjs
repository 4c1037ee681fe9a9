// Writes the SDK README's method → operation table from the resource sources and the spec.
// `--check` fails when the README is stale (run by `pnpm check`).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ACCESSORS = {
  Servers: "servers",
  RegistrationTokens: "servers.registrationTokens",
  Notes: "notes",
  Metrics: "metrics",
  Alerts: "alerts",
  AlertRules: "alertRules",
  System: "system",
  Events: "events",
  Commands: "commands",
  WebshSessions: "websh.sessions",
  WebshChannels: "websh.channels",
  WebshTunnels: "websh.tunnels",
  WebftpSessions: "webftp.sessions",
  Uploads: "webftp.uploads",
  Downloads: "webftp.downloads",
  IamUsers: "iam.users",
  IamGroups: "iam.groups",
  IamMemberships: "iam.memberships",
  IamApplications: "iam.applications",
  WorkspaceInvites: "iam.invites",
  IamRoles: "iam.roles",
  IamPermissions: "iam.permissions",
  Auth: "auth",
  WorkSessions: "workSessions",
  ApiTokens: "apiTokens",
  CommandAcls: "security.commandAcls",
  ServerAcls: "security.serverAcls",
  FileAcls: "security.fileAcls",
  Certificates: "certificates",
  CertificateAuthorities: "certificates.authorities",
  SignRequests: "certificates.signRequests",
  RevokeRequests: "certificates.revokeRequests",
  Workspaces: "workspaces",
  WorkspacePreferencesResource: "workspaces.preferences",
  ActivityLogs: "audit.activity",
  ServerLogs: "audit.serverLogs",
  WebftpLogs: "audit.webftpLogs",
  SessionAnalyses: "audit.sessionAnalyses",
  SessionRecords: "audit.sessionRecords",
  Approvals: "approvals",
  SudoPolicies: "sudoPolicies",
  // One class for both package repositories: its calls name the system paths (`this.at(…)`).
  PackageEntries: {
    "packages.system": (path) => path,
    "packages.python": (path) => path.replace("/packages/system/", "/packages/python/"),
  },
  Webhooks: "webhooks",
  EventSessions: "eventSessions",
  EventSubscriptions: "eventSubscriptions",
};

const spec = parse(readFileSync(join(root, "openapi/alpacon.yaml"), "utf8"));
const operations = new Map();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    if (item[method]) operations.set(`${method.toUpperCase()} ${path}`, item[method].operationId);
  }
}

const rows = [];
const resourcesDir = join(root, "packages/sdk/src/resources");
for (const file of readdirSync(resourcesDir).sort()) {
  const source = readFileSync(join(resourcesDir, file), "utf8");
  for (const block of source.split(/^export class /m).slice(1)) {
    const className = block.slice(0, block.search(/[\s<]/));
    const accessor = ACCESSORS[className];
    if (!accessor)
      throw new Error(`Unknown resource class ${className} in ${file}: add it to ACCESSORS.`);
    const methodPattern = /^ {2}(?:async )?([a-zA-Z]+)\(([^)]*)\)[^{]*\{([\s\S]*?)^ {2}\}/gm;
    for (const [, name, , body] of block.matchAll(methodPattern)) {
      // `this.action("…")` is a resource's shared POST of an empty body (work-session actions).
      const call =
        /this\.http\.(GET|POST|PATCH|PUT|DELETE)\(\s*(?:this\.at\(\s*)?"([^"]+)"/.exec(body) ??
        /this\.(action)\(\s*"([^"]+)"/
          .exec(body)
          ?.map((part) => (part === "action" ? "POST" : part));
      if (!call) continue;
      const targets = typeof accessor === "string" ? { [accessor]: (path) => path } : accessor;
      for (const [target, pathOf] of Object.entries(targets)) {
        const path = pathOf(call[2]);
        const operationId = operations.get(`${call[1]} ${path}`);
        if (!operationId)
          throw new Error(`${className}.${name}: ${call[1]} ${path} is not in the spec.`);
        rows.push(
          `| \`client.${target}.${name}()\` | \`${operationId}\` | ${call[1]} \`${path}\` |`,
        );
      }
    }
  }
}

const table = ["| method | operation | HTTP |", "|---|---|---|", ...rows].join("\n");
const readmePath = join(root, "packages/sdk/README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- methods:start -->";
const end = "<!-- methods:end -->";
// Biome formats Markdown too (it pads tables): compare with, and write, what it would leave.
const updated = execFileSync(
  "pnpm",
  ["exec", "biome", "format", `--stdin-file-path=${readmePath}`],
  {
    cwd: root,
    input: readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}\n${end}`),
    encoding: "utf8",
  },
);
if (process.argv.includes("--check")) {
  if (updated !== readme) {
    console.error("packages/sdk/README.md's method table is stale: run `pnpm docs`.");
    process.exit(1);
  }
  const covered = new Set(rows.map((row) => row.split("`")[3]));
  const missing = [...operations.values()].filter((id) => !covered.has(id));
  if (missing.length > 0) {
    console.error(`Operations without an SDK method: ${missing.join(", ")}`);
    process.exit(1);
  }
  console.log(`SDK method table is up to date (${rows.length} methods).`);
} else {
  writeFileSync(readmePath, updated);
  console.log(`Wrote ${rows.length} methods to packages/sdk/README.md.`);
}
