/**
 * Patterns of secrets typed into a command line, which the SaaS refuses with 400
 * `command_inline_credential` (the CLI then suggests passing them through `env`). The real list
 * is private; these cover the cases the CLI's hint tests name plus the usual suspects.
 */
const PATTERNS: readonly RegExp[] = [
  // mysql -pSecret / mysql --password=Secret (a bare -p prompts, so it is fine)
  /(^|[\s;&|(])(mysql|mysqldump|mysqladmin|mariadb)\b[^;&|]*\s(-p\S+|--password=\S+)/,
  // sshpass -p secret / sshpass -psecret
  /(^|[\s;&|(])sshpass\b[^;&|]*\s-p\s*\S+/,
  // PASSWORD=… / DB_PASSWORD=… / PGPASSWORD=… / API_TOKEN=… / AWS_SECRET_ACCESS_KEY=…
  /(^|[\s;&|(])(export\s+)?[A-Za-z_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|SECRET_ACCESS_KEY)=\S+/i,
  // curl -u user:pass / --user user:pass
  /(^|[\s;&|(])curl\b[^;&|]*\s(-u\s*|--user[=\s])\S+:\S+/,
  // scheme://user:pass@host
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
  // psql "…password=…" connection strings
  /\bpassword=\S+/i,
];

export function hasInlineCredential(line: string): boolean {
  return PATTERNS.some((re) => re.test(line));
}
