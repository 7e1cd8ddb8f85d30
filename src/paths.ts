/**
 * Where the project's non-code files live. The same code runs from src/ (tests, tsx) and from dist/src/ (built),
 * so the root is found by walking up to package.json rather than by a fixed number of '..'.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${start}`);
    dir = up;
  }
  return dir;
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const migrationsDir = join(projectRoot, 'migrations');
export const viewsDir = join(projectRoot, 'views');
export const publicDir = join(projectRoot, 'public');
export const builtPublicDir = join(projectRoot, 'dist', 'public');
export const nodeModulesDir = join(projectRoot, 'node_modules');
