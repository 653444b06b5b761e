import * as fs from 'fs';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { findAsset } from '../util/assets';
import type { Comment } from '../model/types';
import { loneCrToLf } from '../util/text';

/** Resolves a file of an installed package (unbundled runs; the bundle has its assets beside it). */
function resolvePackageFile(id: string): string {
  return require.resolve(id);
}

export interface PythonParser {
  parser: Parser;
  /** grammars/python/config.scm */
  configQuery: Query;
}

let ready: Promise<PythonParser> | undefined;

/** Loads web-tree-sitter, the Python grammar and our queries once. */
export function pythonParser(): Promise<PythonParser> {
  if (!ready) {
    ready = (async () => {
      const runtimeWasm = findAsset('web-tree-sitter.wasm', [() => resolvePackageFile('web-tree-sitter/web-tree-sitter.wasm')]);
      await Parser.init({ locateFile: () => runtimeWasm });
      const grammar = findAsset('tree-sitter-python.wasm', [() => resolvePackageFile('tree-sitter-python/tree-sitter-python.wasm')]);
      const lang = await Language.load(grammar);
      const parser = new Parser();
      parser.setLanguage(lang);
      const configQuery = new Query(lang, fs.readFileSync(findAsset('grammars/python/config.scm'), 'utf8'));
      return { parser, configQuery };
    })();
  }
  return ready;
}

export interface LexInfo {
  /** the text with comment-only lines emptied (line breaks kept, so rows and code columns are unchanged) */
  parseText: string;
  comments: Comment[];
}

/**
 * One linear pass over Python source: finds every comment (outside strings) and empties the
 * lines that hold only a comment. tree-sitter-python is quadratic on long runs of comment lines
 * after a statement (the shape of a generated jupyterhub_config.py); emptying them keeps every
 * code position exact when positions are read as (row, column).
 */
export function lexPython(text: string): LexInfo {
  const comments: Comment[] = [];
  const out: string[] = [];
  let last = 0; // text copied up to here
  let i = 0;
  const n = text.length;
  let lineStart = 0;
  let lineHasCode = false;
  let quote: string | null = null; // current string delimiter: ' " ''' """
  let raw = false;
  let depth = 0; // bracket depth (a comment inside brackets is still a comment)
  while (i < n) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && !raw) {
        i += 2;
        continue;
      }
      if (ch === '\\' && raw) {
        i += 2;
        continue;
      }
      if (quote.length === 1 && (ch === '\n' || ch === '\r')) {
        quote = null; // unterminated single-line string: the parser reports it
      } else if (text.startsWith(quote, i)) {
        i += quote.length;
        quote = null;
        continue;
      } else {
        i++;
        continue;
      }
    }
    if (ch === '\n' || ch === '\r') {
      i++;
      if (ch === '\r' && text[i] === '\n') i++;
      lineStart = i;
      lineHasCode = false;
      continue;
    }
    if (ch === '#') {
      let j = i;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      comments.push({ span: { start: i, end: j }, text: text.slice(i, j) });
      if (!lineHasCode) {
        // comment-only line: drop its text (indentation and comment) but keep the line break
        out.push(text.slice(last, lineStart));
        last = j;
      }
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // string prefix letters precede the quote: r, b, u, f and combinations
      let k = i - 1;
      raw = false;
      while (k >= lineStart && /[rRbBuUfF]/.test(text[k])) {
        if (text[k] === 'r' || text[k] === 'R') raw = true;
        k--;
      }
      if (k >= lineStart && /[A-Za-z0-9_]/.test(text[k])) raw = false; // identifier ending in r etc.
      const triple = text.startsWith(ch.repeat(3), i);
      quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      lineHasCode = true;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\f') {
      lineHasCode = true;
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    }
    i++;
  }
  // tree-sitter counts rows at \n only: a lone \r (a line end to Python) becomes one, in place
  if (last === 0) return { parseText: loneCrToLf(text), comments };
  out.push(text.slice(last));
  return { parseText: loneCrToLf(out.join('')), comments };
}

/** Parses Python with a time limit; returns null when parsing was cancelled. */
export function parsePython({ parser }: PythonParser, text: string, timeLimitMs = 5000): Tree | null {
  const t0 = Date.now();
  const options = { progressCallback: (() => Date.now() - t0 > timeLimitMs) as unknown as () => void };
  return parser.parse(text, null, options);
}
