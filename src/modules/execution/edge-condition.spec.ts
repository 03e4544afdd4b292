import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edgeHolds, edgeProblem, skipReason, type EdgeRule } from './edge-condition.js';

const rule = (condition: EdgeRule['condition'], outputName = '', outputMatch = ''): EdgeRule => ({
  condition,
  outputName,
  outputMatch,
});

describe('edge conditions', () => {
  it('decides succeeded, failed and finished by how the prerequisite ended', () => {
    assert.equal(edgeHolds(rule('succeeded'), 'succeeded', {}), true);
    assert.equal(edgeHolds(rule('succeeded'), 'failed', {}), false);
    for (const state of ['failed', 'timed_out', 'killed', 'lost'] as const) {
      assert.equal(edgeHolds(rule('failed'), state, {}), true, state);
    }
    assert.equal(edgeHolds(rule('failed'), 'succeeded', {}), false);
    assert.equal(edgeHolds(rule('failed'), 'skipped', {}), false);
    assert.equal(edgeHolds(rule('finished'), 'skipped', {}), true);
  });

  it('matches an output exactly or by /regex/, only after a success', () => {
    assert.equal(edgeHolds(rule('output', 'mode', 'full'), 'succeeded', { mode: 'full' }), true);
    assert.equal(edgeHolds(rule('output', 'mode', 'full'), 'succeeded', { mode: 'fully' }), false);
    assert.equal(edgeHolds(rule('output', 'mode', '/^inc/'), 'succeeded', { mode: 'incremental' }), true);
    assert.equal(edgeHolds(rule('output', 'mode', 'full'), 'failed', { mode: 'full' }), false);
    assert.equal(edgeHolds(rule('output', 'mode', ''), 'succeeded', {}), false, 'not printed never matches');
  });

  it('names what is wrong with a rule and why a dependent was skipped', () => {
    assert.equal(edgeProblem(rule('failed')), null);
    assert.match(edgeProblem({ condition: 'never' }) ?? '', /must be one of succeeded, failed, finished, output/);
    assert.match(edgeProblem(rule('output', '', 'x')) ?? '', /output name/);
    assert.match(edgeProblem(rule('output', 'mode', '/(/')) ?? '', /not a valid regular expression/);
    assert.equal(
      skipReason({ jobName: 'load_x', state: 'succeeded', outputs: {} }, rule('failed')),
      'prerequisite load_x succeeded; edge requires failed',
    );
    assert.equal(
      skipReason({ jobName: 'decide', state: 'succeeded', outputs: {} }, rule('output', 'mode', 'full')),
      'prerequisite decide succeeded with mode not printed; edge requires output mode = full',
    );
  });
});
