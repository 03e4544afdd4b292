/** Longest line kept whole; longer output without a newline is cut into pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines without holding more than one partial line (at most maxLineBytes).
 * `onLine` gets the decoded text and the number of bytes it used, newline included.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(
    private readonly onLine: (text: string, bytes: number) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.carry(chunk.subarray(start));
        return;
      }
      if (this.partBytes === 0) this.emit(chunk, start, newline, 1);
      else this.emitCarried(chunk.subarray(start, newline));
      start = newline + 1;
    }
  }

  /** Emits what is left when the stream ends without a final newline. */
  end(): void {
    if (this.partBytes === 0) return;
    const rest = Buffer.concat(this.parts, this.partBytes);
    this.reset();
    this.emit(rest, 0, rest.length, 0);
  }

  private carry(piece: Buffer): void {
    this.parts.push(Buffer.from(piece));
    this.partBytes += piece.length;
    while (this.partBytes >= this.maxLineBytes) {
      const joined = Buffer.concat(this.parts, this.partBytes);
      const cut = utf8Boundary(joined, this.maxLineBytes);
      this.emit(joined, 0, cut, 0);
      const rest = joined.subarray(cut);
      this.parts = rest.length > 0 ? [rest] : [];
      this.partBytes = rest.length;
    }
  }

  private emitCarried(piece: Buffer): void {
    const joined = Buffer.concat([...this.parts, piece], this.partBytes + piece.length);
    this.reset();
    this.emit(joined, 0, joined.length, 1);
  }

  private emit(buffer: Buffer, start: number, end: number, terminator: number): void {
    while (end - start > this.maxLineBytes) {
      const cut = start + utf8Boundary(buffer.subarray(start, end), this.maxLineBytes);
      this.onLine(buffer.toString('utf8', start, cut), cut - start);
      start = cut;
    }
    const bytes = end - start + terminator;
    const textEnd = end > start && buffer[end - 1] === CARRIAGE_RETURN && terminator === 1 ? end - 1 : end;
    this.onLine(buffer.toString('utf8', start, textEnd), bytes);
  }

  private reset(): void {
    this.parts = [];
    this.partBytes = 0;
  }
}

/** Largest cut ≤ limit that does not split a UTF-8 sequence (so each piece decodes cleanly). */
export function utf8Boundary(buffer: Buffer, limit: number): number {
  let cut = Math.min(limit, buffer.length);
  // Step back over continuation bytes (10xxxxxx) to the start of the character at the cut.
  let back = 0;
  while (cut - back > 0 && back < 4 && ((buffer[cut - back] ?? 0) & 0xc0) === 0x80) back += 1;
  if (back > 0 && back < 4 && cut < buffer.length) cut -= back;
  return cut > 0 ? cut : Math.min(limit, buffer.length);
}
