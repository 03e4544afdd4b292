import { Controller, Get, Param, ParseIntPipe, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { translate, type Language } from '../../common/i18n/i18n.js';
import { OwnedBy } from '../access/owned-by.js';
import { LogStore } from '../execution/logs/log-store.js';
import { durationText, stateBadge } from '../execution/execution.view.js';
import { attemptParam, lineView } from './log-params.js';
import { isEnded, RunLogQuery, type RunLogHeader } from './run-log-query.js';
import { SCRIPT_TEXT_KEYS } from './logs.i18n.js';

/** Lines rendered with the page; earlier ones load on demand ("load earlier"). */
const FIRST_LINES = 500;

function scriptText(response: Response): Record<string, string> {
  const lang = response.locals.lang as Language;
  return Object.fromEntries(SCRIPT_TEXT_KEYS.map((key) => [key.replace(/^logs\.script\./, ''), translate(lang, key)]));
}

function attemptOptions(run: RunLogHeader, withLines: number[], selected: number) {
  const all = [...new Set([...withLines, run.attempt])].sort((a, b) => a - b);
  return all.map((attempt) => ({ attempt, selected: attempt === selected }));
}

/**
 * The log viewer page of one run attempt: header, the last lines, and (while the run is active) the
 * live tail. Output reaches the page only as JSON data rendered with textContent by its script.
 */
@Controller('runs')
@OwnedBy('run', 'runId')
export class LogsController {
  constructor(
    private readonly logs: LogStore,
    private readonly runs: RunLogQuery,
  ) {}

  @Get(':runId/log')
  @Render('logs/run-log')
  async page(
    @Param('runId', ParseIntPipe) runId: number,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const run = await this.runs.header(runId);
    const attempt = attemptParam(query, run.attempt);
    const [lines, lastSeq, attempts] = await Promise.all([
      this.logs.pageBefore(runId, attempt, Number.MAX_SAFE_INTEGER, FIRST_LINES),
      this.logs.lastSeq(runId, attempt),
      this.logs.attempts(runId),
    ]);
    const live = attempt === run.attempt && !isEnded(run.state);
    const end = run.finishedAt ?? (run.startedAt ? new Date() : null);
    return {
      title: 'logs.title',
      run: {
        ...run,
        badge: stateBadge(run.state),
        duration: run.startedAt && end ? durationText(end.getTime() - run.startedAt.getTime()) : '',
      },
      attempt,
      attempts: attemptOptions(run, attempts, attempt),
      page: { runId, attempt, live, lastSeq, lines: lines.map(lineView), text: scriptText(response) },
    };
  }
}
