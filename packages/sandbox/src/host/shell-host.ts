import type { ServerMetrics } from "../data/metrics.js";
import type { ServerDetails } from "../data/system.js";
import {
  baseServices,
  createServerProfile,
  createSimulatedServer,
  type DiskInfo,
  type OsInfo,
  type ServerProfile,
  type ServiceInfo,
  Shell,
  type SimulatedServer,
} from "../shell/index.js";
import type { ServerRecord } from "../state/model.js";

const KERNELS: Record<string, string> = {
  "ubuntu:22.04": "6.5.0-1022-aws",
  "ubuntu:24.04": "6.8.0-1021-aws",
  "ubuntu:20.04": "5.15.0-1072-aws",
  "debian:12": "6.1.0-28-cloud-amd64",
  "debian:11": "5.10.0-33-cloud-amd64",
  "rhel:9.4": "5.14.0-427.13.1.el9_4",
  "rhel:8.10": "4.18.0-553.el8_10",
  "amzn:2023": "6.1.119-129.201.amzn2023",
  "amzn:2": "5.10.230-223.885.amzn2",
};

/** Units each server role runs: [name, description, command, user]. */
const ROLE_SERVICES: Record<string, [string, string, string, string][]> = {
  nginx: [
    [
      "nginx",
      "A high performance web server and a reverse proxy server",
      "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
      "root",
    ],
  ],
  docker: [
    [
      "docker",
      "Docker Application Container Engine",
      "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
      "root",
    ],
  ],
  postgresql: [
    [
      "postgresql",
      "PostgreSQL RDBMS",
      "/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main",
      "postgres",
    ],
  ],
  mysql: [["mysql", "MySQL Community Server", "/usr/sbin/mysqld", "mysql"]],
  redis: [
    ["redis-server", "Advanced key-value store", "/usr/bin/redis-server 127.0.0.1:6379", "redis"],
  ],
  rabbitmq: [
    [
      "rabbitmq-server",
      "RabbitMQ Messaging Server",
      "/usr/lib/erlang/erts-13.2.2.5/bin/beam.smp -- -root /usr/lib/erlang",
      "rabbitmq",
    ],
  ],
  haproxy: [
    [
      "haproxy",
      "HAProxy Load Balancer",
      "/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg",
      "haproxy",
    ],
  ],
  prometheus: [
    [
      "prometheus",
      "Monitoring system and time series database",
      "/usr/bin/prometheus --config.file=/etc/prometheus/prometheus.yml",
      "prometheus",
    ],
  ],
  grafana: [
    [
      "grafana-server",
      "Grafana instance",
      "/usr/share/grafana/bin/grafana server --config=/etc/grafana/grafana.ini",
      "grafana",
    ],
  ],
  jenkins: [
    [
      "jenkins",
      "Jenkins Continuous Integration Server",
      "/usr/bin/java -Djava.awt.headless=true -jar /usr/share/java/jenkins.war",
      "jenkins",
    ],
  ],
  elasticsearch: [
    [
      "elasticsearch",
      "Elasticsearch",
      "/usr/share/elasticsearch/jdk/bin/java -Xms2g -Xmx2g org.elasticsearch.bootstrap.Elasticsearch",
      "elasticsearch",
    ],
  ],
  nfs: [["nfs-server", "NFS server and services", "[nfsd]", "root"]],
  cron: [],
};

function osInfo(server: ServerRecord): OsInfo {
  const v = server.osVersion;
  switch (server.os.id) {
    case "ubuntu":
      return {
        family: "debian",
        id: "ubuntu",
        idLike: "debian",
        name: "Ubuntu",
        version: v.build,
        versionId: v.version,
        prettyName: `Ubuntu ${v.build.split(" (")[0]}`,
        versionCodename: v.codename,
        homeUrl: "https://www.ubuntu.com/",
      };
    case "debian":
      return {
        family: "debian",
        id: "debian",
        name: "Debian GNU/Linux",
        version: v.build,
        versionId: v.version,
        prettyName: `Debian GNU/Linux ${v.build}`,
        versionCodename: v.codename,
        homeUrl: "https://www.debian.org/",
      };
    case "rhel":
      return {
        family: "rhel",
        id: "rhel",
        idLike: "fedora",
        name: "Red Hat Enterprise Linux",
        version: v.build,
        versionId: v.version,
        prettyName: `Red Hat Enterprise Linux ${v.build}`,
        homeUrl: "https://www.redhat.com/",
      };
    case "amzn":
      return {
        family: "rhel",
        id: "amzn",
        idLike: "fedora",
        name: "Amazon Linux",
        version: v.version === "2" ? "2" : "2023",
        versionId: v.version,
        prettyName: v.version === "2" ? "Amazon Linux 2" : `Amazon Linux ${v.build}`,
        homeUrl: "https://aws.amazon.com/linux/",
      };
    default:
      return {
        family: "windows",
        id: "windows",
        name: `Microsoft Windows ${v.codename} Datacenter`,
        version: v.version,
        versionId: v.version,
        prettyName: `Microsoft Windows ${v.codename} Datacenter`,
      };
  }
}

function services(server: ServerRecord): ServiceInfo[] {
  if (server.os.family === "windows") return [];
  const out = baseServices(server.os.family === "rpm");
  let pid = 900;
  for (const service of server.role.services) {
    for (const [name, description, command, user] of ROLE_SERVICES[service] ?? []) {
      pid += 37;
      out.push({ name, description, active: true, enabled: true, pid, command, user });
    }
  }
  return out;
}

/** Builds the shell's view of a server from the same seeded data the REST API shows. */
export function profileFor(
  server: ServerRecord,
  details: ServerDetails,
  metrics: ServerMetrics,
  now: () => number,
): ServerProfile {
  const t = now();
  const memoryUsed = Math.round((server.physicalMemory * metrics.memory(t)) / 100);
  const cpu = metrics.cpu(t) / 100;
  const load: [number, number, number] = [
    Math.round(cpu * server.cpuLogicalCores * 100) / 100,
    Math.round(cpu * server.cpuLogicalCores * 0.9 * 100) / 100,
    Math.round(cpu * server.cpuLogicalCores * 0.8 * 100) / 100,
  ];
  const disks: DiskInfo[] = details.partitions.map((p, i) => ({
    filesystem: p.name,
    type: p.fs_type,
    mountpoint: p.mount_points[0] ?? "/",
    sizeBytes: p.size,
    usedBytes: Math.round(p.size * metrics.diskUsedFraction(i, t)),
  }));
  const base = createServerProfile({
    hostname: details.hostname,
    os: osInfo(server),
    kernel: {
      release: `${KERNELS[`${server.os.id}:${server.osVersion.version}`] ?? "6.1.0"}${server.os.family === "rpm" ? `.${server.cpuType}` : ""}`,
      version: "#1 SMP PREEMPT_DYNAMIC",
      machine: server.cpuType,
    },
    now: () => new Date(now()),
    uptimeSeconds: Math.max(1, Math.floor((t - server.bootTime) / 1000)),
    cpuCount: server.cpuLogicalCores,
    memoryTotalBytes: server.physicalMemory,
    memoryUsedBytes: memoryUsed,
    disks,
    services: services(server),
    loadAverage: load,
    ipAddress: server.privateIp,
  });
  return {
    ...base,
    bootTime: new Date(server.bootTime),
    users: details.users.map((u) => ({
      name: u.username,
      uid: u.uid,
      gid: u.gid,
      home: u.directory,
      shell: u.shell,
      gecos: u.description,
    })),
    groups: details.groups.map((g) => ({ name: g.groupname, gid: g.gid, members: g.members })),
  };
}

/**
 * One simulated machine per server, created on first use and kept: its filesystem is shared by
 * the command API, websh sessions and webftp transfers, so a file written by one is seen by all.
 */
export class ShellHost {
  private readonly machines = new Map<string, SimulatedServer>();

  constructor(private readonly build: (server: ServerRecord) => ServerProfile) {}

  machine(server: ServerRecord): SimulatedServer {
    let m = this.machines.get(server.id);
    if (!m) {
      m = createSimulatedServer(this.build(server));
      this.machines.set(server.id, m);
    }
    return m;
  }

  /** Runs one command line the way the agent runs a Command API command: a fresh non-tty shell. */
  async run(
    server: ServerRecord,
    line: string,
    opts: {
      user: string;
      env: Record<string, string>;
      stdin?: string;
      signal: AbortSignal;
      onOutput: (chunk: string) => void;
    },
  ): Promise<{ exitCode: number; output: string }> {
    const shell = new Shell({
      server: this.machine(server),
      user: opts.user,
      env: opts.env,
      tty: false,
    });
    const result = await shell.run(line, {
      signal: opts.signal,
      onOutput: (chunk) => opts.onOutput(chunk),
      echoInterrupt: false,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
    });
    return { exitCode: result.exitCode, output: result.output };
  }
}
