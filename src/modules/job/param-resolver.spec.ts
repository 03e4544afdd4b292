import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextParamProblem, resolveParam } from './param-resolver.js';

const context = { dataDate: '2026-03-01', executionId: 42, jobName: 'load_orders', interfaceName: 'ods' };

describe('param resolver', () => {
  it('passes static values through untouched, shell characters included', () => {
    assert.equal(resolveParam('static', '; rm -rf / $(id)', context), '; rm -rf / $(id)');
  });
  it('formats and shifts the data date (T-1 across a month end)', () => {
    assert.equal(resolveParam('context', 'data_date', context), '2026-03-01');
    assert.equal(resolveParam('context', 'data_date:yyyyMMdd:-1', context), '20260228');
    assert.equal(resolveParam('context', 'data_date:yy/MM/dd:+31', context), '26/04/01');
  });
  it('resolves the run identity values', () => {
    assert.equal(resolveParam('context', 'execution_id', context), '42');
    assert.equal(resolveParam('context', 'job_name', context), 'load_orders');
    assert.equal(resolveParam('context', 'interface_name', context), 'ods');
  });
  it('explains invalid expressions', () => {
    assert.match(contextParamProblem('today') ?? '', /must start with one of/);
    assert.match(contextParamProblem('data_date:yyyyQQ') ?? '', /format may use/);
    assert.match(contextParamProblem('data_date:yyyyMMdd:yesterday') ?? '', /offset must be/);
    assert.match(contextParamProblem('job_name:x') ?? '', /takes no format/);
    assert.throws(() => resolveParam('context', 'nope', context), /context param "nope"/);
  });
});
