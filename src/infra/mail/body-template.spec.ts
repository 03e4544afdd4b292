import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BODY_TEMPLATE, renderBodyTemplate, templateProblem } from './body-template.js';

describe('webhook body template', () => {
  const hostile = 'a "quote", a \\ backslash,\na newline and {"json": true}';

  it('escapes a placeholder inside a JSON string so the value stays inside it', () => {
    const rendered = renderBodyTemplate('{"text": "ETL {{dispatch}} failed: {{message}}"}', {
      dispatch: 'nightly',
      message: hostile,
    });
    assert.deepEqual(JSON.parse(rendered), { text: `ETL nightly failed: ${hostile}` });
  });

  it('renders a placeholder outside strings as a whole JSON string, and unknown values as empty', () => {
    const rendered = renderBodyTemplate('{"m": {{message}}, "u": {{url}}, "n": 1}', { message: hostile });
    assert.deepEqual(JSON.parse(rendered), { m: hostile, u: '', n: 1 });
  });

  it('keeps escaped quotes of the template itself', () => {
    const rendered = renderBodyTemplate('{"a": "say \\"{{event}}\\"", "b": {{event}}}', { event: 'failure' });
    assert.deepEqual(JSON.parse(rendered), { a: 'say "failure"', b: 'failure' });
  });

  it('accepts the default template and refuses unknown placeholders or broken JSON', () => {
    assert.equal(templateProblem(DEFAULT_BODY_TEMPLATE), null);
    assert.match(templateProblem('{"a": {{password}}}') ?? '', /unknown placeholder \{\{password\}\}/);
    assert.match(templateProblem('{"a": {{message}}') ?? '', /not valid JSON/);
    assert.match(templateProblem('{"a": "{{message}}" "b"}') ?? '', /not valid JSON/);
  });
});
