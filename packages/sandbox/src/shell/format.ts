/**
 * Formatting shared by commands. Times are always rendered in UTC: simulated servers run with
 * TZ=UTC, which keeps output independent of the host's time zone.
 */

export const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;
export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

export function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

export function month(date: Date): string {
  return MONTHS[date.getUTCMonth()] ?? "Jan";
}

export function weekday(date: Date): string {
  return WEEKDAYS[date.getUTCDay()] ?? "Sun";
}

export function clockTime(date: Date): string {
  return `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
}

/** "2024-09-02 09:30:00" (uptime -s, systemctl). */
export function isoDateTime(date: Date): string {
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${clockTime(date)}`;
}

/** "Sep  2 09:30:00" — the classic syslog timestamp with a space-padded day. */
export function syslogTime(date: Date): string {
  return `${month(date)} ${String(date.getUTCDate()).padStart(2, " ")} ${clockTime(date)}`;
}

/** "Sep 02 09:30:00" — journalctl's short format. */
export function journalTime(date: Date): string {
  return `${month(date)} ${pad2(date.getUTCDate())} ${clockTime(date)}`;
}

/** `date`'s default output: "Mon Sep  2 09:30:00 UTC 2024". */
export function dateCommandTime(date: Date): string {
  return `${weekday(date)} ${month(date)} ${String(date.getUTCDate()).padStart(2, " ")} ${clockTime(date)} UTC ${date.getUTCFullYear()}`;
}

/**
 * Human-readable size as coreutils prints it (`df -h`, `ls -lh`): powers of 1024, one decimal
 * below 10, always rounded up. `suffix` is "" for df/ls and "i" for `free -h` ("Gi").
 */
export function humanSize(bytes: number, suffix = ""): string {
  const units = ["K", "M", "G", "T", "P"];
  if (bytes < 1024) return suffix === "" ? String(bytes) : `${bytes}B`;
  let value = bytes;
  let unit = "";
  for (const next of units) {
    value /= 1024;
    unit = next;
    if (value < 1024) break;
  }
  if (value < 10) {
    const rounded = Math.ceil(value * 10) / 10;
    if (rounded < 10) return `${rounded.toFixed(1)}${unit}${suffix}`;
  }
  return `${Math.ceil(value)}${unit}${suffix}`;
}

/** Left-aligns the first `leftColumns` columns and right-aligns the rest, like df and ps. */
export function table(
  rows: readonly (readonly string[])[],
  leftColumns: readonly number[],
): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => {
          const width = widths[index] ?? 0;
          if (index === row.length - 1 && leftColumns.includes(index)) return cell;
          return leftColumns.includes(index) ? cell.padEnd(width) : cell.padStart(width);
        })
        .join(" ")
        .trimEnd(),
    )
    .join("\n");
}
