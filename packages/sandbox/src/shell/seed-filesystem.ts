/**
 * The initial filesystem of a simulated server, derived from its profile only (no randomness),
 * so two sandboxes seeded with the same profile hold identical files.
 */
import { seedAdminFiles } from "./admin-files.js";
import { programNames } from "./commands/registry.js";
import type { ServerProfile } from "./server-profile.js";
import { formatSyslogLine, systemLog } from "./system-logs.js";
import { Vfs } from "./vfs.js";

const BASHRC = `# ~/.bashrc: executed by bash(1) for non-login shells.

# If not running interactively, don't do anything
case $- in
    *i*) ;;
      *) return;;
esac

HISTCONTROL=ignoreboth
HISTSIZE=1000
HISTFILESIZE=2000

alias ll='ls -alF'
alias la='ls -A'
alias l='ls -CF'
`;

const PROFILE = `# ~/.profile: executed by the command interpreter for login shells.
if [ -n "$BASH_VERSION" ]; then
    if [ -f "$HOME/.bashrc" ]; then
        . "$HOME/.bashrc"
    fi
fi
`;

export function osReleaseText(profile: ServerProfile): string {
  const os = profile.os;
  const lines = [
    `PRETTY_NAME="${os.prettyName}"`,
    `NAME="${os.name}"`,
    `VERSION_ID="${os.versionId}"`,
    `VERSION="${os.version}"`,
  ];
  if (os.versionCodename !== undefined) lines.push(`VERSION_CODENAME=${os.versionCodename}`);
  lines.push(`ID=${os.id}`);
  if (os.idLike !== undefined) lines.push(`ID_LIKE=${os.idLike}`);
  if (os.homeUrl !== undefined) lines.push(`HOME_URL="${os.homeUrl}"`);
  return `${lines.join("\n")}\n`;
}

export function createServerFilesystem(profile: ServerProfile): Vfs {
  const vfs = new Vfs({ now: profile.now });
  const seeded = { mtime: profile.bootTime };
  const dirs = [
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/etc/systemd/system",
    "/home",
    "/opt",
    "/run",
    "/sbin",
    "/srv",
    "/usr/bin",
    "/usr/local/bin",
    "/usr/sbin",
    "/var/lib",
    "/var/log",
    "/var/www/html",
  ];
  for (const dir of dirs) vfs.mkdir(dir, { parents: true, ...seeded });
  vfs.mkdir("/tmp", { mode: 0o1777, ...seeded });
  vfs.mkdir("/root", { mode: 0o700, ...seeded });
  // Reads from /dev/null are empty and the shell discards writes to it.
  vfs.writeFile("/dev/null", "", { mode: 0o666, ...seeded });

  // Programs the shell implements appear as executables, so `ls /usr/bin` and `test -x` agree
  // with what runs. Their bytes are a placeholder with a plausible declared size.
  for (const name of programNames()) {
    const size =
      20_000 + (([...name].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) * 997) % 180_000);
    vfs.writeFile(`/usr/bin/${name}`, "\x7fELF (simulated)\n", { mode: 0o755, size, ...seeded });
  }

  vfs.writeFile("/etc/hostname", `${profile.hostname}\n`, seeded);
  vfs.writeFile("/etc/os-release", osReleaseText(profile), seeded);
  vfs.writeFile(
    "/etc/hosts",
    `127.0.0.1 localhost\n127.0.1.1 ${profile.hostname}\n${profile.ipAddress} ${profile.hostname}\n`,
    seeded,
  );
  vfs.writeFile(
    "/etc/passwd",
    `${profile.users
      .map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos ?? ""}:${u.home}:${u.shell}`)
      .join("\n")}\n`,
    seeded,
  );
  vfs.writeFile(
    "/etc/group",
    `${profile.groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(",")}`).join("\n")}\n`,
    seeded,
  );
  vfs.writeFile(
    "/etc/shadow",
    `${profile.users.map((u) => `${u.name}:${u.uid === 0 ? "*" : "!"}:19800:0:99999:7:::`).join("\n")}\n`,
    { mode: 0o640, group: profile.os.family === "rhel" ? "root" : "shadow", ...seeded },
  );
  vfs.writeFile(
    "/etc/resolv.conf",
    "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
    seeded,
  );
  vfs.writeFile(
    "/etc/fstab",
    "LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,errors=remount-ro\t0 1\nLABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n",
    seeded,
  );
  vfs.writeFile("/var/www/html/index.html", "<h1>It works!</h1>\n", seeded);

  const logGroup = profile.os.family === "rhel" ? "root" : "adm";
  const log = systemLog(profile)
    .map((entry) => formatSyslogLine(entry, profile.hostname))
    .join("\n");
  vfs.writeFile("/var/log/syslog", `${log}\n`, {
    mode: 0o640,
    owner: "root",
    group: logGroup,
    ...seeded,
  });

  seedAdminFiles(vfs, profile, profile.bootTime);

  vfs.writeFile("/root/.bashrc", BASHRC, seeded);
  vfs.writeFile("/root/.profile", PROFILE, seeded);
  for (const user of profile.users) {
    if (user.uid < 1000 || user.uid === 65534) continue;
    const group = profile.groups.find((g) => g.gid === user.gid)?.name ?? user.name;
    const owned = { owner: user.name, group, ...seeded };
    vfs.mkdir(user.home, { parents: true, mode: 0o750, ...owned });
    vfs.writeFile(`${user.home}/.bashrc`, BASHRC, owned);
    vfs.writeFile(`${user.home}/.profile`, PROFILE, owned);
  }
  return vfs;
}
