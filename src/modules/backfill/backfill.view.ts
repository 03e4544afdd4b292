import { durationText, stateBadge } from '../execution/execution.view.js';
import type { BackfillDateView, BackfillSummary } from './backfill.service.js';

const BACKFILL_BADGES: Record<string, string> = {
  paused: 'layui-badge layui-bg-orange',
  cancelled: 'layui-badge layui-bg-gray',
};

/** A backfill for its pages: state badge and the share of its dates that have ended. */
export function backfillRow(backfill: BackfillSummary) {
  const ended = backfill.succeeded + backfill.failed + backfill.killed;
  return {
    ...backfill,
    badge: BACKFILL_BADGES[backfill.state] ?? stateBadge(backfill.state),
    ended,
    percent: backfill.totalDates === 0 ? 0 : Math.floor((ended * 100) / backfill.totalDates),
    duration: durationText((backfill.finishedAt ?? Date.now()) - backfill.createdAt),
  };
}

export function dateRow(date: BackfillDateView) {
  return {
    ...date,
    badge: stateBadge(date.state),
    duration: date.finishedAt === null ? '' : durationText(date.finishedAt - date.createdAt),
  };
}
