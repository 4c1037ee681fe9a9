import { describe, expect, it } from "vitest";
import {
  seriesStats,
  summarizeDiskIo,
  summarizeDisks,
  summarizeTraffic,
} from "../../src/metrics/summary.js";
import type { DiskIoPoint, DiskUsagePoint, TrafficPoint } from "../../src/resources/metrics.js";

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString();

describe("seriesStats", () => {
  it("gives average, extremes and the latest value by timestamp, rounded to 2 decimals", () => {
    // Out of order on purpose: "latest" is the newest point, not the last one in the array.
    const points = [
      { timestamp: at(10), usage: 30.333 },
      { timestamp: at(20), usage: 10.125 },
      { timestamp: at(0), usage: 50 },
    ];
    expect(seriesStats(points, (point) => point.usage)).toEqual({
      avg: 30.15,
      min: 10.13,
      max: 50,
      latest: 10.13,
      latestAt: at(20),
      samples: 3,
    });
  });

  it("is null for an empty series", () => {
    expect(seriesStats([], () => 1)).toBeNull();
  });
});

describe("summarizeDisks", () => {
  it("summarizes each device with its latest sizes and mount point", () => {
    const point = (device: string, minute: number, usage: number, used: number) =>
      ({
        timestamp: at(minute),
        device,
        mount_point: device === "/dev/sda1" ? "/" : "",
        usage,
        total: 1000,
        used,
        free: 1000 - used,
      }) as DiskUsagePoint;
    const disks = summarizeDisks([
      point("/dev/sda1", 0, 40, 400),
      point("/dev/sdb1", 0, 10, 100),
      point("/dev/sda1", 5, 42, 420),
      point("/dev/sdb1", 5, 12, 120),
    ]);
    expect(disks).toEqual([
      {
        device: "/dev/sda1",
        mount_point: "/",
        usage: { avg: 41, min: 40, max: 42, latest: 42, latestAt: at(5), samples: 2 },
        latest: { total: 1000, used: 420, free: 580 },
      },
      {
        device: "/dev/sdb1",
        mount_point: "",
        usage: { avg: 11, min: 10, max: 12, latest: 12, latestAt: at(5), samples: 2 },
        latest: { total: 1000, used: 120, free: 880 },
      },
    ]);
  });
});

describe("summarizeTraffic", () => {
  it("gives per-interface rates in and out, with the peaks of the peak series", () => {
    const point = (name: string, minute: number, input: number, output: number, peak: number) =>
      ({
        timestamp: at(minute),
        interface: name,
        avg_input_bps: input,
        avg_output_bps: output,
        peak_input_bps: peak,
        peak_output_bps: peak / 2,
        peak_input_pps: 1,
        peak_output_pps: 1,
      }) as TrafficPoint;
    const interfaces = summarizeTraffic([
      point("eth0", 5, 300, 30, 900),
      point("eth0", 0, 100, 10, 1_000),
      point("eth1", 0, 7, 7, 8),
    ]);
    expect(interfaces).toEqual([
      {
        interface: "eth0",
        input_bps: { avg: 200, max: 300, latest: 300 },
        output_bps: { avg: 20, max: 30, latest: 30 },
        peak_input_bps: 1_000,
        peak_output_bps: 500,
        samples: 2,
      },
      {
        interface: "eth1",
        input_bps: { avg: 7, max: 7, latest: 7 },
        output_bps: { avg: 7, max: 7, latest: 7 },
        peak_input_bps: 8,
        peak_output_bps: 4,
        samples: 1,
      },
    ]);
  });
});

describe("summarizeDiskIo", () => {
  it("gives per-device read and write rates, with the peaks of the peak series", () => {
    const point = (device: string, minute: number, read: number, write: number, peak: number) =>
      ({
        timestamp: at(minute),
        device,
        avg_read_bps: read,
        avg_write_bps: write,
        peak_read_bps: peak,
        peak_write_bps: peak * 2,
      }) as DiskIoPoint;
    const summary = summarizeDiskIo([
      point("sda", 0, 100, 10, 500),
      point("sda", 5, 300, 30, 900),
      point("sdb", 0, 7, 0, 7),
    ]);
    expect(summary).toEqual([
      {
        device: "sda",
        read_bps: { avg: 200, max: 300, latest: 300 },
        write_bps: { avg: 20, max: 30, latest: 30 },
        peak_read_bps: 900,
        peak_write_bps: 1800,
        samples: 2,
      },
      {
        device: "sdb",
        read_bps: { avg: 7, max: 7, latest: 7 },
        write_bps: { avg: 0, max: 0, latest: 0 },
        peak_read_bps: 7,
        peak_write_bps: 14,
        samples: 1,
      },
    ]);
  });
});
