// mkdir -p that cannot hang. Node 20's mkdirSync(dir, { recursive: true }) loops forever when the
// kernel answers ENOENT for a folder whose parent exists (any path under /proc, for one), so the
// missing folders are made one by one and the first failure is thrown, naming the folder.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new Error(`cannot create folder ${folder}: ${code ?? (err instanceof Error ? err.message : String(err))}`, {
        cause: err,
      });
    }
  }
}
