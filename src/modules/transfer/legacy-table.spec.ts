import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationException } from '../../common/http/app.exception.js';
import { readLegacyTable } from './legacy-rows.js';
import { parseParamsCell, readHeader } from './legacy-table.js';

describe('legacy job table', () => {
  it('reads params as name=value;… with context: and static: prefixes and escapes', () => {
    assert.deepEqual(parseParamsCell('DAY=context:data_date:yyyyMMdd:-1; SQL=a\\;b ;RAW=static:context:x;;'), {
      params: [
        { name: 'DAY', kind: 'context', value: 'data_date:yyyyMMdd:-1' },
        { name: 'SQL', kind: 'static', value: 'a;b' },
        { name: 'RAW', kind: 'static', value: 'context:x' },
      ],
      problem: null,
    });
    assert.match(parseParamsCell('12,13').problem ?? '', /"12,13" is not name=value/);
  });

  it('recognises English and legacy Chinese headers in any order, full-width brackets included', () => {
    const header = readHeader(['任务名称', 'Interface', '依赖任务序号（本次新建任务）', 'Success code', ' host ']);
    assert.deepEqual(Object.fromEntries(Object.entries(header).map(([column, at]) => [column, at.index])), {
      name: 0,
      interface: 1,
      dependsOnSerials: 2,
      successCode: 3,
      host: 4,
    });
  });

  it('refuses unknown or repeated columns and a header without interface or name', () => {
    assert.throws(
      () => readHeader(['interface', 'name', 'colour', '任务名称']),
      (error: unknown) =>
        error instanceof ValidationException &&
        error.fields['column 3'] === 'unknown column "colour"' &&
        error.fields['column 4'] === '"任务名称" repeats column "name"',
    );
    assert.throws(() => readHeader(['name']), /the header row needs a "interface" column/);
  });

  it('turns rows into jobs, resolving in-file serials and keeping spreadsheet row numbers', () => {
    const document = readLegacyTable(
      [
        ['serial', 'interface', 'name', 'host', 'command', 'depends-on serials', 'depends-on job ids'],
        ['7', 'ods', 'extract', 'etl-01', 'a.sh', '', '12, dw / build'],
        ['', '', '', '', '', '', ''],
        ['8', 'ods', 'load', 'tag:etl', 'b.sh', '7', ''],
        ['9', '', 'orphan', 'etl-01', 'c.sh', '3', ''],
      ],
      'csv',
    );
    assert.deepEqual(
      document.jobs.map((job) => [job.origin.row, job.name, job.execHost, job.input.hostTag, job.prerequisites]),
      [
        [
          2,
          'extract',
          'etl-01',
          '',
          [
            { jobId: 12, column: 'dependsOnJobs' },
            { interface: 'dw', job: 'build', column: 'dependsOnJobs' },
          ],
        ],
        [4, 'load', null, 'etl', [{ interface: 'ods', job: 'extract', column: 'dependsOnSerials' }]],
      ],
    );
    assert.deepEqual(
      document.problems.map((problem) => `${problem.origin.label} ${problem.field}: ${problem.message}`),
      ['row 5 interface: is required'],
    );
    assert.deepEqual(
      document.implicitInterfaces.map((item) => item.name),
      ['ods'],
    );
    assert.ok(document.allowIds);
  });
});
