import * as fs from 'fs';
import * as path from 'path';

/**
 * Finds a runtime asset. The bundle (dist/) has its assets beside it; the unbundled build (out/)
 * and the sources find them in the repository tree or in node_modules.
 */
export function findAsset(rel: string, fallbacks: (() => string)[] = []): string {
  let dir = __dirname;
  for (let up = 0; up < 6; up++) {
    for (const c of [path.join(dir, rel), path.join(dir, 'server', rel)]) if (fs.existsSync(c)) return c;
    dir = path.dirname(dir);
  }
  for (const f of fallbacks) {
    try {
      const p = f();
      if (fs.existsSync(p)) return p;
    } catch {
      /* next */
    }
  }
  throw new Error(`hubcfg: cannot find ${rel} (looked beside ${__dirname})`);
}
