import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envPart, inputEnv, parseOutputs, resolveInput, type RunInputs } from './run-outputs.js';

const inputs: RunInputs = {
  values: { rows: '42', result: 'done' },
  byJob: { 'load-a': { rows: '42' }, load_b: { rows: '7', result: 'done' } },
  dropped: 0,
};

describe('run inputs', () => {
  it('builds MC_IN_ names with the documented normalisation', () => {
    assert.equal(envPart('load-a.v2'), 'LOAD_A_V2');
    assert.deepEqual(inputEnv(inputs), {
      MC_IN_ROWS: '42',
      MC_IN_RESULT: 'done',
      MC_IN_LOAD_A_ROWS: '42',
      MC_IN_LOAD_B_ROWS: '7',
      MC_IN_LOAD_B_RESULT: 'done',
    });
  });

  it('resolves an input param by name or job.name and refuses an unknown one', () => {
    assert.equal(resolveInput('rows', inputs), '42');
    assert.equal(resolveInput('load_b.rows', inputs), '7');
    assert.throws(() => resolveInput('load_b.nope', inputs), /no upstream run has the output "load_b.nope"/);
    assert.throws(() => resolveInput('missing', inputs), /no upstream run has the output "missing"/);
  });

  it('reads stored outputs, ignoring anything that is not a string map', () => {
    assert.deepEqual(parseOutputs('{"rows":"1","n":2}'), { rows: '1' });
    assert.deepEqual(parseOutputs(null), {});
    assert.deepEqual(parseOutputs('not json'), {});
  });
});
