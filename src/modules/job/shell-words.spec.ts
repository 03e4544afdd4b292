import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShellWordsError, quoteShellWord, splitShellWords } from './shell-words.js';

const fails = (line: string, message: RegExp, strict = false) =>
  assert.throws(
    () => splitShellWords(line, { strict }),
    (error: unknown) => error instanceof ShellWordsError && message.test(error.message),
  );

describe('shell words', () => {
  it('splits on blanks of any length, tabs and newlines', () => {
    assert.deepEqual(splitShellWords('  /opt/etl/load.sh\t--full \n  orders  '), [
      '/opt/etl/load.sh',
      '--full',
      'orders',
    ]);
    assert.deepEqual(splitShellWords(''), []);
    assert.deepEqual(splitShellWords('   '), []);
  });

  it('keeps single-quoted text literally, backslashes and dollars included', () => {
    assert.deepEqual(splitShellWords(`echo 'a  b' 'c\\d' '$HOME'`), ['echo', 'a  b', 'c\\d', '$HOME']);
  });

  it('honours backslash escapes inside double quotes only before \\ " $ ` and newline', () => {
    assert.deepEqual(splitShellWords('say "a \\"b\\" \\\\ \\$x \\n"'), ['say', 'a "b" \\ $x \\n']);
    assert.deepEqual(splitShellWords('"one\\\ntwo"'), ['onetwo']);
  });

  it('escapes the next character outside quotes and joins continued lines', () => {
    assert.deepEqual(splitShellWords('a\\ b c\\\\d \\"e'), ['a b', 'c\\d', '"e']);
    assert.deepEqual(splitShellWords('run \\\n --fast'), ['run', '--fast']);
  });

  it('joins quoted and unquoted parts of one word and keeps empty quoted words', () => {
    assert.deepEqual(splitShellWords(`--name="big file"'s' x '' ""`), ['--name=big files', 'x', '', '']);
  });

  it('does no expansion: variables, globs and tildes stay as written', () => {
    assert.deepEqual(splitShellWords('ls ~/x *.csv $HOME a;b'), ['ls', '~/x', '*.csv', '$HOME', 'a;b']);
  });

  it('refuses unbalanced quotes and a trailing backslash with the position', () => {
    fails(`echo 'abc`, /unbalanced single quote at position 6/);
    fails('echo "abc', /unbalanced double quote at position 6/);
    fails('echo "a\\"', /unbalanced double quote/);
    fails('echo abc\\', /ends with a backslash at position 9/);
  });

  it('in strict mode refuses what a shell would interpret, unless quoted', () => {
    fails('cd /x && ./run.sh', /"&" is a shell operator at position 7/, true);
    fails('a.sh > out.log', /">" is a shell operator/, true);
    fails('a.sh | gzip', /"\|"/, true);
    fails('echo $HOME', /would expand "\$"/, true);
    fails('echo "$HOME"', /would expand "\$"/, true);
    fails('echo "`id`"', /"`" is a shell operator/, true);
    assert.deepEqual(splitShellWords(`echo '$HOME' "a|b" \\; 'x > y' "\\$z"`, { strict: true }), [
      'echo',
      '$HOME',
      'a|b',
      ';',
      'x > y',
      '$z',
    ]);
  });

  it('quotes words so that splitting gives them back', () => {
    const words = ['plain', '', 'a b', "it's", '$(id)', '"q"', 'back\\slash', 'new\nline', '/opt/x-1.sh'];
    const line = words.map(quoteShellWord).join(' ');
    assert.deepEqual(splitShellWords(line, { strict: true }), words);
    assert.equal(quoteShellWord('/opt/x-1.sh'), '/opt/x-1.sh');
  });
});
