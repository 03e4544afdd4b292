/** A command line that cannot be split; `position` is the 0-based index of the offending character. */
export class ShellWordsError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const BLANK = /[ \t\r\n]/;
/** Characters that make a shell do something (operators, substitutions) when not quoted. */
const OPERATORS = new Set(['|', '&', ';', '<', '>', '`']);
/** Inside double quotes a backslash escapes only these (POSIX); elsewhere it is literal. */
const DOUBLE_QUOTE_ESCAPES = new Set(['\\', '"', '$', '`', '\n']);

export interface SplitOptions {
  /**
   * Refuse what a shell would interpret (unquoted `| & ; < > \``, and `$` outside single quotes),
   * so a command written for a shell fails on save instead of running differently.
   */
  strict?: boolean;
}

interface Scan {
  line: string;
  index: number;
  words: string[];
  word: string;
  /** Whether a word has started (quotes can start an empty word). */
  open: boolean;
  strict: boolean;
}

function refuse(scan: Scan, char: string): never {
  const reason = char === '$' ? 'a shell would expand "$" here' : `"${char}" is a shell operator`;
  throw new ShellWordsError(
    `${reason} at position ${scan.index + 1}; argv commands run without a shell: quote it, or use a script`,
    scan.index,
  );
}

function singleQuoted(scan: Scan): void {
  const end = scan.line.indexOf("'", scan.index + 1);
  if (end < 0) throw new ShellWordsError(`unbalanced single quote at position ${scan.index + 1}`, scan.index);
  scan.word += scan.line.slice(scan.index + 1, end);
  scan.index = end + 1;
}

function doubleQuoted(scan: Scan): void {
  const start = scan.index;
  for (let i = start + 1; i < scan.line.length; i++) {
    const char = scan.line[i];
    if (char === '"') {
      scan.index = i + 1;
      return;
    }
    if (char === '\\' && i + 1 < scan.line.length && DOUBLE_QUOTE_ESCAPES.has(scan.line[i + 1])) {
      if (scan.line[i + 1] !== '\n') scan.word += scan.line[i + 1];
      i++;
      continue;
    }
    if (scan.strict && (char === '$' || char === '`')) {
      scan.index = i;
      refuse(scan, char);
    }
    scan.word += char;
  }
  throw new ShellWordsError(`unbalanced double quote at position ${start + 1}`, start);
}

function escaped(scan: Scan): void {
  if (scan.index + 1 >= scan.line.length) {
    throw new ShellWordsError(`the line ends with a backslash at position ${scan.index + 1}`, scan.index);
  }
  const next = scan.line[scan.index + 1];
  // backslash-newline continues the line: it joins, it does not add a character
  if (next !== '\n') {
    scan.word += next;
    scan.open = true;
  }
  scan.index += 2;
}

function endWord(scan: Scan): void {
  if (scan.open) scan.words.push(scan.word);
  scan.word = '';
  scan.open = false;
}

/**
 * Splits a command line into argv words the way a POSIX shell would, without running one: blanks
 * separate words; single quotes keep everything literally; double quotes keep everything except a
 * backslash before `\ " $ \` newline`; a backslash outside quotes escapes the next character. There
 * are no expansions: `$HOME`, `*` and `~` stay as written (and `strict` refuses the ones a shell
 * would expand). Unbalanced quotes and a trailing backslash throw ShellWordsError.
 */
export function splitShellWords(line: string, options: SplitOptions = {}): string[] {
  const scan: Scan = { line, index: 0, words: [], word: '', open: false, strict: options.strict ?? false };
  while (scan.index < line.length) {
    const char = line[scan.index];
    if (BLANK.test(char)) {
      endWord(scan);
      scan.index++;
    } else if (char === "'") {
      scan.open = true;
      singleQuoted(scan);
    } else if (char === '"') {
      scan.open = true;
      doubleQuoted(scan);
    } else if (char === '\\') {
      escaped(scan);
    } else {
      if (scan.strict && (OPERATORS.has(char) || char === '$')) refuse(scan, char);
      scan.word += char;
      scan.open = true;
      scan.index++;
    }
  }
  endWord(scan);
  return scan.words;
}

/** Quotes one word so that splitShellWords gives it back unchanged (for showing argv as a line). */
export function quoteShellWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
