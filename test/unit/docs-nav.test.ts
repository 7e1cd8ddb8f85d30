/**
 * mkdocs.yml lists every page in docs/ and nothing else, and every relative link between pages points at a page
 * that exists: what `mkdocs build --strict` (run by .github/workflows/docs.yml) would refuse.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

type NavEntry = string | Record<string, string | NavEntry[]>;
const docsDir = join(projectRoot, 'docs');
const config = parse(readFileSync(join(projectRoot, 'mkdocs.yml'), 'utf8')) as { docs_dir: string; nav: NavEntry[] };

function navPages(entries: NavEntry[]): string[] {
  return entries.flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e).flatMap((v) => (typeof v === 'string' ? [v] : navPages(v)))));
}

function markdownFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? markdownFiles(join(dir, d.name), `${prefix}${d.name}/`) : d.name.endsWith('.md') ? [`${prefix}${d.name}`] : [],
  );
}

describe('mkdocs.yml', () => {
  it('builds from docs/', () => {
    expect(config.docs_dir).toBe('docs');
  });

  it('lists every page in docs/ exactly once, and no page that does not exist', () => {
    const listed = navPages(config.nav);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(markdownFiles(docsDir).sort());
  });

  it('has no relative link to a missing page or image', () => {
    const broken: string[] = [];
    for (const page of markdownFiles(docsDir)) {
      const text = readFileSync(join(docsDir, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) continue;
        const file = normalize(join(dirname(page), target!.split('#')[0]!));
        if (!existsSync(join(docsDir, file))) broken.push(`${page} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
