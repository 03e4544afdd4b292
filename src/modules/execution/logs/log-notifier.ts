import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * In-process "lines were appended" signal, so a live tail wakes at once for lines this instance
 * stored; lines written by fluentd or another portal instance are found by the tail's short poll.
 */
@Injectable()
export class LogNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(runIds: Iterable<number>): void {
    for (const runId of new Set(runIds)) this.emitter.emit(String(runId));
  }

  /** Calls `listener` after each append of the run's lines; returns the unsubscribe function. */
  subscribe(runId: number, listener: () => void): () => void {
    this.emitter.on(String(runId), listener);
    return () => this.emitter.off(String(runId), listener);
  }
}
