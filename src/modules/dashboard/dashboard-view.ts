import type { StatCounts } from './run-stat-rollup.js';

export const DASHBOARD_DAYS = [7, 14, 30, 90] as const;
export type DashboardDays = (typeof DASHBOARD_DAYS)[number];

export interface DayCounts {
  day: string;
  succeeded: number;
  failed: number;
  otherEnded: number;
  /** succeeded / (succeeded + failed), in percent with one decimal; null without either. */
  successRate: number | null;
}

export interface HostDayRow {
  day: string;
  hostId: number;
  succeeded: number;
  failed: number;
  otherEnded: number;
}

/** The UTC days of the window ending today, oldest first. */
export function windowDays(days: number, now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) =>
    new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10),
  );
}

export function successRate(succeeded: number, failed: number): number | null {
  const judged = succeeded + failed;
  return judged === 0 ? null : Math.round((succeeded / judged) * 1000) / 10;
}

/** Per-day totals over every host, one entry per day of the window (days without runs are zeros). */
export function dailyCounts(days: readonly string[], rows: readonly HostDayRow[]): DayCounts[] {
  const byDay = new Map(days.map((day) => [day, { succeeded: 0, failed: 0, otherEnded: 0 }]));
  for (const row of rows) {
    const counts = byDay.get(row.day);
    if (!counts) continue;
    counts.succeeded += row.succeeded;
    counts.failed += row.failed;
    counts.otherEnded += row.otherEnded;
  }
  return days.map((day) => {
    const counts = byDay.get(day)!;
    return { day, ...counts, successRate: successRate(counts.succeeded, counts.failed) };
  });
}

/** Ended attempts per host per day (aligned with `days`), hosts by id. */
export function runsPerHost(days: readonly string[], rows: readonly HostDayRow[]): Map<number, number[]> {
  const index = new Map(days.map((day, position) => [day, position]));
  const perHost = new Map<number, number[]>();
  for (const row of rows) {
    const position = index.get(row.day);
    if (position === undefined) continue;
    let series = perHost.get(row.hostId);
    if (!series) {
      series = new Array<number>(days.length).fill(0);
      perHost.set(row.hostId, series);
    }
    series[position] += row.succeeded + row.failed + row.otherEnded;
  }
  return perHost;
}

/** Average duration of the counted attempts, ms (rounded); null when none was timed. */
export function averageMs(counts: Pick<StatCounts, 'durationCount' | 'durationSumMs'>): number | null {
  return counts.durationCount === 0 ? null : Math.round(counts.durationSumMs / counts.durationCount);
}
