/**
 * Files operators read on a real server that derive from the profile alone: sudoers (who may
 * sudo) and the nginx configuration and logs (only where nginx runs). Deterministic, like the
 * rest of the seeded filesystem.
 */
import { MONTHS, pad2 } from "./format.js";
import type { ServerProfile } from "./server-profile.js";
import type { Vfs } from "./vfs.js";

const DEBIAN_SUDOERS = `#
# This file MUST be edited with the 'visudo' command as root.
#
# Please consider adding local content in /etc/sudoers.d/ instead of
# directly modifying this file.
#
# See the man page for details on how to write a sudoers file.
#
Defaults	env_reset
Defaults	mail_badpass
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
Defaults	use_pty

# Host alias specification

# User alias specification

# Cmnd alias specification

# User privilege specification
root	ALL=(ALL:ALL) ALL

# Members of the admin group may gain root privileges
%admin ALL=(ALL) ALL

# Allow members of group sudo to execute any command
%sudo	ALL=(ALL:ALL) ALL

# See sudoers(5) for more information on "@include" directives:

@includedir /etc/sudoers.d
`;

const RHEL_SUDOERS = `## Sudoers allows particular users to run various commands as
## the root user, without needing the root password.
##
## This file must be edited with the 'visudo' command.

Defaults   !visiblepw
Defaults    always_set_home
Defaults    match_group_by_gid
Defaults    env_reset
Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin

## Allow root to run any commands anywhere
root	ALL=(ALL) 	ALL

## Allows people in group wheel to run all commands
%wheel	ALL=(ALL)	ALL

## Read drop-in files from /etc/sudoers.d (the # here does not mean a comment)
#includedir /etc/sudoers.d
`;

const NGINX_CONF = `user www-data;
worker_processes auto;
pid /run/nginx.pid;
include /etc/nginx/modules-enabled/*.conf;

events {
	worker_connections 768;
}

http {
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;

	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_prefer_server_ciphers on;

	access_log /var/log/nginx/access.log;
	error_log /var/log/nginx/error.log;

	gzip on;

	include /etc/nginx/conf.d/*.conf;
	include /etc/nginx/sites-enabled/*;
}
`;

const NGINX_SITE = `server {
	listen 80 default_server;
	listen [::]:80 default_server;

	root /var/www/html;
	index index.html index.htm index.nginx-debian.html;

	server_name _;

	location / {
		try_files $uri $uri/ =404;
	}
}
`;

/** Requests the access log cycles through: [method, path, status, bytes, agent]. */
const REQUESTS: readonly [string, string, number, number, string][] = [
  ["GET", "/", 200, 612, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"],
  ["GET", "/health", 200, 2, "ELB-HealthChecker/2.0"],
  ["GET", "/favicon.ico", 404, 162, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"],
  ["POST", "/api/login", 502, 166, "python-requests/2.31.0"],
  ["GET", "/health", 200, 2, "ELB-HealthChecker/2.0"],
  ["GET", "/static/app.js", 200, 48213, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)"],
  ["GET", "/.env", 404, 162, "Mozilla/5.0 zgrab/0.x"],
  ["GET", "/health", 200, 2, "ELB-HealthChecker/2.0"],
];
const CLIENTS = ["10.0.1.23", "10.0.2.41", "172.31.7.9", "10.0.1.23", "203.0.113.50"];

/** "02/Sep/2024:09:12:01 +0000", nginx's `$time_local` under TZ=UTC. */
function accessTime(date: Date): string {
  return `${pad2(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} +0000`;
}

/** "2024/09/02 09:12:01", nginx's error log time. */
function errorTime(date: Date): string {
  return `${date.getUTCFullYear()}/${pad2(date.getUTCMonth() + 1)}/${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
}

/** The access and error log of the last hours, one request every 7 minutes 13 seconds. */
export function nginxLogs(profile: ServerProfile, pid: number): { access: string; error: string } {
  const now = profile.now().getTime();
  const since = Math.max(profile.bootTime.getTime() + 60_000, now - 6 * 3600_000);
  const access: string[] = [];
  const errors: string[] = [
    `${errorTime(new Date(since - 60_000))} [notice] ${pid}#${pid}: using inherited sockets from "6;7;"`,
  ];
  const worker = pid + 1;
  let index = 0;
  for (let time = since; time <= now; time += 433_000, index++) {
    const [method, path, status, bytes, agent] = REQUESTS[index % REQUESTS.length]!;
    const client = CLIENTS[index % CLIENTS.length]!;
    const at = new Date(time);
    access.push(
      `${client} - - [${accessTime(at)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "-" "${agent}"`,
    );
    const request = `client: ${client}, server: _, request: "${method} ${path} HTTP/1.1", host: "${profile.hostname}"`;
    if (status === 404) {
      errors.push(
        `${errorTime(at)} [error] ${worker}#${worker}: *${index + 1} open() "/var/www/html${path}" failed (2: No such file or directory), ${request}`,
      );
    } else if (status === 502) {
      errors.push(
        `${errorTime(at)} [error] ${worker}#${worker}: *${index + 1} connect() failed (111: Connection refused) while connecting to upstream, ${request}, upstream: "http://127.0.0.1:8000${path}"`,
      );
    }
  }
  return { access: `${access.join("\n")}\n`, error: `${errors.join("\n")}\n` };
}

export function seedAdminFiles(vfs: Vfs, profile: ServerProfile, mtime: Date): void {
  if (profile.os.family === "windows") return;
  const rhel = profile.os.family === "rhel";
  const rootOnly = { mode: 0o440, owner: "root", group: "root", mtime };
  vfs.writeFile("/etc/sudoers", rhel ? RHEL_SUDOERS : DEBIAN_SUDOERS, rootOnly);
  vfs.mkdir("/etc/sudoers.d", { mode: 0o750, mtime });
  // cloud-init grants the image's login user passwordless sudo; it is the admin group's member.
  const adminGroup = profile.groups.find((group) => group.name === (rhel ? "wheel" : "sudo"));
  const cloudUser = adminGroup?.members[0];
  if (cloudUser !== undefined) {
    vfs.writeFile(
      "/etc/sudoers.d/90-cloud-init-users",
      `# Created by cloud-init v. 24.1.3 on ${profile.bootTime.toUTCString()}\n\n# User rules for ${cloudUser}\n${cloudUser} ALL=(ALL) NOPASSWD:ALL\n`,
      rootOnly,
    );
  }

  const nginx = profile.services.find((service) => service.name === "nginx");
  if (nginx === undefined) return;
  vfs.mkdir("/etc/nginx/sites-enabled", { parents: true, mtime });
  vfs.mkdir("/etc/nginx/conf.d", { parents: true, mtime });
  vfs.writeFile("/etc/nginx/nginx.conf", NGINX_CONF, { mtime });
  vfs.writeFile("/etc/nginx/sites-enabled/default", NGINX_SITE, { mtime });
  // Debian's logrotate config creates them www-data:adm 0640 in a root:adm 0755 directory.
  const logGroup = rhel ? "root" : "adm";
  const logOwner = rhel ? "root" : "www-data";
  vfs.mkdir("/var/log/nginx", { mode: 0o755, owner: "root", group: logGroup, mtime });
  const logs = nginxLogs(profile, nginx.pid);
  const options = { mode: 0o640, owner: logOwner, group: logGroup, mtime: profile.now() };
  vfs.writeFile("/var/log/nginx/access.log", logs.access, options);
  vfs.writeFile("/var/log/nginx/error.log", logs.error, options);
}
