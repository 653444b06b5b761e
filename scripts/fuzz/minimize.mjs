// Delta debugging (ddmin) of a failing input: first by lines, then by characters, within a time and
// test budget. The predicate is async and says whether a candidate still fails the same way.

/**
 * Reduces `units` (an array) to a smaller array for which `fails(units)` is still true.
 * Classic ddmin: try each chunk and each complement at granularity n, refine n when nothing helps.
 */
export async function ddmin(units, fails, budget) {
  let cur = units;
  let n = 2;
  while (cur.length >= 2 && !budget.exhausted()) {
    const size = Math.ceil(cur.length / n);
    const chunks = [];
    for (let i = 0; i < cur.length; i += size) chunks.push([i, Math.min(cur.length, i + size)]);
    let reduced = false;
    // complements first: they remove the most
    for (const [a, b] of chunks) {
      if (budget.exhausted()) break;
      const cand = cur.slice(0, a).concat(cur.slice(b));
      if (cand.length && (await budget.test(() => fails(cand)))) {
        cur = cand;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced && n > 2) {
      for (const [a, b] of chunks) {
        if (budget.exhausted()) break;
        const cand = cur.slice(a, b);
        if (await budget.test(() => fails(cand))) {
          cur = cand;
          n = 2;
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, n * 2);
    }
  }
  return cur;
}

export class Budget {
  /** @param {{ seconds?: number, tests?: number }} limits */
  constructor({ seconds = 60, tests = 500 } = {}) {
    this.deadline = Date.now() + seconds * 1000;
    this.maxTests = tests;
    this.tests = 0;
  }
  exhausted() {
    return Date.now() > this.deadline || this.tests >= this.maxTests;
  }
  async test(fn) {
    this.tests++;
    try {
      return !!(await fn());
    } catch {
      return false;
    }
  }
}

/**
 * Minimises a text for which `fails(text)` holds: by lines, then by characters (when the text is
 * small enough for that to finish). Returns { text, tests, reduced }.
 */
export async function minimizeText(text, fails, { seconds = 60, tests = 500, charLimit = 4000 } = {}) {
  const budget = new Budget({ seconds, tests });
  // one cheap first step for huge inputs: a prefix that still fails (halving)
  let cur = text;
  while (cur.length > 1000 && !budget.exhausted()) {
    const half = cur.slice(0, Math.floor(cur.length / 2));
    if (await budget.test(() => fails(half))) cur = half;
    else break;
  }
  const lines = cur.split(/(?<=\n)/);
  if (lines.length > 1) cur = (await ddmin(lines, (ls) => fails(ls.join('')), budget)).join('');
  if (cur.length <= charLimit && !budget.exhausted()) cur = (await ddmin([...cur], (cs) => fails(cs.join('')), budget)).join('');
  return { text: cur, tests: budget.tests, reduced: cur.length < text.length };
}

/** The same for bytes (inputs that are not valid UTF-8 stay byte-exact): by lines, then by bytes. */
export async function minimizeBytes(buf, fails, { seconds = 60, tests = 500, byteLimit = 4000 } = {}) {
  const budget = new Budget({ seconds, tests });
  const lines = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      lines.push(buf.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < buf.length) lines.push(buf.subarray(start));
  let cur = buf;
  if (lines.length > 1) cur = Buffer.concat(await ddmin(lines, (ls) => fails(Buffer.concat(ls)), budget));
  if (cur.length <= byteLimit && !budget.exhausted()) cur = Buffer.from(await ddmin([...cur], (bs) => fails(Buffer.from(bs)), budget));
  return { bytes: cur, tests: budget.tests, reduced: cur.length < buf.length };
}
