import { Controller, Get, Headers, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { OwnedBy } from '../access/owned-by.js';
import { LogNotifier } from '../execution/logs/log-notifier.js';
import { LogStore } from '../execution/logs/log-store.js';
import { attemptParam, limitParam, lineView, searchText, seqParam } from './log-params.js';
import { LogTail } from './log-tail.js';
import { writeChunk } from './response-writer.js';
import { RunLogQuery } from './run-log-query.js';

const SEARCH_LIMIT = 200;
const DOWNLOAD_PAGE = 5000;
/** fluentd flushes its buffer every 2 s (deploy/fluentd/fluent.conf); lines may land that long after the end. */
const FLUENTD_GRACE_MS = 5000;

/**
 * The log viewer's JSON API over one run attempt (default: the current attempt). Every read pages by
 * seq with a limit, so a log of any size is served piece by piece. `GET /api/runs/:id/log` (lines
 * after a seq) lives in ExecutionApiController.
 */
@Controller('api/runs')
@OwnedBy('run')
export class LogsApiController {
  constructor(
    private readonly logs: LogStore,
    private readonly notifier: LogNotifier,
    private readonly runs: RunLogQuery,
    private readonly config: AppConfig,
  ) {}

  /** The last `limit` lines before `beforeSeq` (default: the end), and the attempt's last seq. */
  @Get(':id/log/before')
  async before(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const run = await this.runs.header(id);
    const attempt = attemptParam(query, run.attempt);
    const beforeSeq = seqParam(query.beforeSeq, 'beforeSeq', Number.MAX_SAFE_INTEGER);
    const lines = await this.logs.pageBefore(id, attempt, beforeSeq, limitParam(query, 500));
    return { data: lines.map(lineView), lastSeq: await this.logs.lastSeq(id, attempt) };
  }

  /** Lines containing `q` (case-insensitive) after `afterSeq`, at most `limit` (200); `more` when cut. */
  @Get(':id/log/search')
  async search(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const text = searchText(query.q);
    const run = await this.runs.header(id);
    const attempt = attemptParam(query, run.attempt);
    const limit = Math.min(limitParam(query, SEARCH_LIMIT), SEARCH_LIMIT);
    const afterSeq = seqParam(query.afterSeq, 'afterSeq', 0);
    const lines = await this.logs.search(id, attempt, text, afterSeq, limit + 1);
    return { data: lines.slice(0, limit).map(lineView), more: lines.length > limit };
  }

  /** The first stderr line or line matching an error pattern; data null when there is none. */
  @Get(':id/log/first-error')
  async firstError(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const run = await this.runs.header(id);
    const line = await this.logs.firstError(id, attemptParam(query, run.attempt));
    return { data: line ? lineView(line) : null };
  }

  /** Live tail (server-sent events) from `afterSeq` or the Last-Event-ID of a reconnect. */
  @Get(':id/log/stream')
  async stream(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const run = await this.runs.header(id);
    const attempt = attemptParam(query, run.attempt);
    const afterSeq = seqParam(lastEventId ?? query.afterSeq, 'afterSeq', 0);
    const tail = new LogTail(
      { logs: this.logs, notifier: this.notifier, runs: this.runs },
      {
        pollMs: 500,
        heartbeatMs: 15_000,
        endGraceMs: this.config.values.log.fluentdEnabled ? FLUENTD_GRACE_MS : 0,
      },
      id,
      attempt,
      afterSeq,
    );
    await tail.run(response);
  }

  /** The whole attempt as plain text, one output line per line, streamed page by page. */
  @Get(':id/log/download')
  async download(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: Record<string, unknown>,
    @Res() response: Response,
  ): Promise<void> {
    const run = await this.runs.header(id);
    const attempt = attemptParam(query, run.attempt);
    response.status(200).set({
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="run-${id}-attempt-${attempt}.log"`,
      'Cache-Control': 'no-store',
    });
    let afterSeq = 0;
    for (;;) {
      const lines = await this.logs.page(id, attempt, afterSeq, DOWNLOAD_PAGE);
      if (lines.length === 0) break;
      afterSeq = lines[lines.length - 1].seq;
      if (!(await writeChunk(response, lines.map((line) => `${line.line}\n`).join('')))) return;
      if (lines.length < DOWNLOAD_PAGE) break;
    }
    response.end();
  }
}
