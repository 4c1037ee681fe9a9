/** One operating system the generator can put on a server, with what differs per OS. */
export interface OsProfile {
  /** `deb`, `rpm` or `windows`: drives package names, users and file layout. */
  family: "deb" | "rpm" | "windows";
  /** As `/api/proc/os/` normalises it: `Ubuntu`, `Debian`, `RHEL`, `Amazon Linux`, `Windows`. */
  name: string;
  /** Short key used in server summaries (`os`) and in `/etc/os-release` `ID`. */
  id: string;
  platform: string;
  platformLike: string;
  versions: readonly { version: string; codename: string; build: string }[];
  /** The cloud image's default login user. */
  defaultUser: string;
  weight: number;
}

export const OS_PROFILES: readonly OsProfile[] = [
  {
    family: "deb",
    name: "Ubuntu",
    id: "ubuntu",
    platform: "ubuntu",
    platformLike: "debian",
    versions: [
      { version: "22.04", codename: "jammy", build: "22.04.5 LTS (Jammy Jellyfish)" },
      { version: "24.04", codename: "noble", build: "24.04.2 LTS (Noble Numbat)" },
      { version: "20.04", codename: "focal", build: "20.04.6 LTS (Focal Fossa)" },
    ],
    defaultUser: "ubuntu",
    weight: 5,
  },
  {
    family: "deb",
    name: "Debian",
    id: "debian",
    platform: "debian",
    platformLike: "",
    versions: [
      { version: "12", codename: "bookworm", build: "12 (bookworm)" },
      { version: "11", codename: "bullseye", build: "11 (bullseye)" },
    ],
    defaultUser: "admin",
    weight: 2,
  },
  {
    family: "rpm",
    name: "RHEL",
    id: "rhel",
    platform: "rhel",
    platformLike: "fedora",
    versions: [
      { version: "9.4", codename: "Plow", build: "9.4 (Plow)" },
      { version: "8.10", codename: "Ootpa", build: "8.10 (Ootpa)" },
    ],
    defaultUser: "ec2-user",
    weight: 2,
  },
  {
    family: "rpm",
    name: "Amazon Linux",
    id: "amzn",
    platform: "amzn",
    platformLike: "fedora",
    versions: [
      { version: "2023", codename: "", build: "2023.6.20250115" },
      { version: "2", codename: "", build: "2 (Karoo)" },
    ],
    defaultUser: "ec2-user",
    weight: 2,
  },
  {
    family: "windows",
    name: "Windows",
    id: "windows",
    platform: "windows",
    platformLike: "windows",
    versions: [
      { version: "10.0.20348", codename: "Server 2022", build: "20348" },
      { version: "10.0.17763", codename: "Server 2019", build: "17763" },
    ],
    defaultUser: "Administrator",
    weight: 1,
  },
];

/** Server roles: a name prefix plus the services (and packages) a server of that role runs. */
export interface ServerRole {
  prefix: string;
  services: readonly string[];
  windows?: boolean;
}

export const SERVER_ROLES: readonly ServerRole[] = [
  { prefix: "web", services: ["nginx"] },
  { prefix: "api", services: ["nginx", "docker"] },
  { prefix: "app", services: ["docker"] },
  { prefix: "db", services: ["postgresql"] },
  { prefix: "mysql", services: ["mysql"] },
  { prefix: "cache", services: ["redis"] },
  { prefix: "worker", services: ["docker"] },
  { prefix: "batch", services: ["cron"] },
  { prefix: "mq", services: ["rabbitmq"] },
  { prefix: "lb", services: ["haproxy"] },
  { prefix: "monitor", services: ["prometheus", "grafana"] },
  { prefix: "ci", services: ["docker", "jenkins"] },
  { prefix: "search", services: ["elasticsearch"] },
  { prefix: "storage", services: ["nfs"] },
  { prefix: "bastion", services: [] },
  { prefix: "win-ad", services: ["ad"], windows: true },
  { prefix: "win-file", services: ["smb"], windows: true },
  { prefix: "win-app", services: ["iis"], windows: true },
];

export const FIRST_NAMES = [
  "Alice",
  "Bob",
  "Carol",
  "Dave",
  "Erin",
  "Frank",
  "Grace",
  "Heidi",
  "Ivan",
  "Judy",
  "Mallory",
  "Niaj",
  "Olivia",
  "Peggy",
  "Rupert",
  "Sybil",
  "Trent",
  "Uma",
  "Victor",
  "Walter",
  "Xena",
  "Yuna",
  "Zoe",
  "Minjun",
  "Seoyeon",
  "Jiho",
  "Haruto",
  "Sakura",
  "Liam",
  "Noah",
  "Emma",
  "Mia",
];

export const LAST_NAMES = [
  "Kim",
  "Lee",
  "Park",
  "Choi",
  "Jung",
  "Kang",
  "Cho",
  "Yoon",
  "Smith",
  "Johnson",
  "Brown",
  "Garcia",
  "Miller",
  "Davis",
  "Wilson",
  "Taylor",
  "Tanaka",
  "Suzuki",
  "Sato",
  "Martin",
];

export const GROUP_DEFS = [
  { name: "alpacon", display: "Alpacon", description: "Default group of every workspace member." },
  { name: "developers", display: "Developers", description: "Application developers." },
  { name: "operators", display: "Operators", description: "On-call operations team." },
  { name: "dba", display: "DBA", description: "Database administrators." },
  { name: "sre", display: "SRE", description: "Site reliability engineering." },
  { name: "security", display: "Security", description: "Security team (audit access)." },
  { name: "data", display: "Data", description: "Data engineering." },
  { name: "qa", display: "QA", description: "Quality assurance." },
] as const;
