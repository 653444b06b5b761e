import * as fs from 'fs';
import * as path from 'path';

/**
 * Finds a runtime asset. The bundle (dist/) has its assets beside it; the unbundled build (out/)
 * and the sources find them in the repository tree or in node_modules.
 */
export function findAsset(rel: string, fallbacks: (() => string)[] = []): string {
  const candidates = [
    path.join(__dirname, rel),
    path.join(__dirname, '..', rel),
    path.join(__dirname, '..', '..', rel),
    path.join(__dirname, '..', '..', '..', rel),
    path.join(__dirname, '..', '..', '..', 'server', rel),
    path.join(__dirname, '..', '..', '..', '..', 'server', rel),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
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
