/** Offsets are UTF-16 code-unit indices into the document text (as JS strings and LSP use). */
export interface Span {
  start: number;
  end: number;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * The text with each lone `\r` (an old Mac line end) made a `\n`: the same length, so every offset
 * and (as LineIndex counts a lone `\r` as a line end too) every line and column stay the same.
 * Python and YAML read a lone `\r` as a line end; tree-sitter-python and the yaml package do not.
 */
export function loneCrToLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Maps offsets to LSP positions (0-based line, UTF-16 character) and back. */
export class LineIndex {
  private readonly starts: number[];
  private static recent: LineIndex[] = [];

  /**
   * The index of a text, shared: the parser, the rules, suppressions and the diagnostics of one
   * analysis all ask for the same file's index (the last few texts are kept).
   */
  static of(text: string): LineIndex {
    const r = LineIndex.recent;
    for (const x of r) if (x.text === text) return x;
    const idx = new LineIndex(text);
    r.unshift(idx);
    if (r.length > 3) r.pop();
    return idx;
  }

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset of the end of the line's content (before its line break). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // an offset inside a line break (between \r and \n) is no position an editor has: the line's end
    return { line: lo, character: Math.min(offset, this.lineEnd(lo)) - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    return Math.min(this.starts[pos.line] + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  range(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}

/** Damerau-free Levenshtein distance, bounded: returns max+1 as soon as it is exceeded. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let pp: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = new Array(b.length + 1);
  let cur: number[] = new Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], pp[j - 2] + 1);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [pp, prev, cur] = [prev, cur, pp];
  }
  return prev[b.length];
}

/** The closest candidates to `word` (case-insensitive distance), best first, with their distances. */
export function closest(word: string, candidates: Iterable<string>, limit = 3): { name: string; distance: number }[] {
  const w = word.toLowerCase();
  const max = w.length <= 4 ? 1 : w.length <= 12 ? 2 : 3;
  const scored: { name: string; distance: number }[] = [];
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase(), max);
    if (d <= max) scored.push({ name: c, distance: d });
  }
  scored.sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, limit);
}

export function didYouMean(word: string, candidates: Iterable<string>, limit = 3): string[] {
  return closest(word, candidates, limit).map((s) => s.name);
}

/** The line end a text uses (its first one): what an inserted line must end with. */
export function lineEnding(text: string): '\r\n' | '\r' | '\n' {
  const i = text.search(/[\r\n]/);
  if (i < 0 || text[i] === '\n') return '\n';
  return text[i + 1] === '\n' ? '\r\n' : '\r';
}
