/**
 * The one place that decides which Chromium the browser tests drive through playwright-core (which never downloads
 * a browser). In order: CHROMIUM_PATH; a Chromium or Chrome already on the machine; on Linux x64 the headless
 * Chromium shipped inside the @sparticuz/chromium dev dependency, unpacked from the package itself. With none of
 * them the browser tests fail with a message naming what to install: they are never skipped.
 *
 * The integration project's global setup calls chooseChromium() once (so the package is unpacked by one process,
 * not raced by parallel test files) and hands the choice to every test file; launchChromium() reads it there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';

export interface ChromiumChoice {
  /** The executable to launch; absent when no browser can be had. */
  path?: string;
  /** Where it came from, or (with no path) exactly what to install. */
  source: string;
  /** Extra environment the browser needs (the packaged Chromium's font configuration). */
  env?: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumChoice;
  }
}

// Names a system install puts on PATH (Debian: chromium; Ubuntu: chromium-browser, often a snap shim that
// --version below weeds out; Google's packages: google-chrome*).
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const MAC_APPS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const INSTALL_HINT =
  'No Chromium for the browser tests. Install Chromium or Google Chrome (e.g. `apt-get install chromium` or ' +
  '`brew install --cask chromium`), or set CHROMIUM_PATH to a Chromium/Chrome executable. On Linux x64 the ' +
  '@sparticuz/chromium dev dependency provides one: run `npm ci` so it is installed.';

/** True when the file starts a real browser: a snap shim or a broken unpack does not answer --version. */
function answersVersion(path: string): boolean {
  const p = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return p.status === 0 && /chrom/i.test(p.stdout);
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, name);
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function packagedChromium(): Promise<ChromiumChoice | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let mod: typeof import('@sparticuz/chromium');
  try {
    mod = await import('@sparticuz/chromium');
  } catch {
    return undefined;
  }
  // Unpacks chromium, its fonts and swiftshader into the temporary directory once; later runs reuse them.
  const path = await mod.default.executablePath();
  if (!answersVersion(path)) {
    return { source: `the Chromium unpacked from @sparticuz/chromium at ${path} does not start; delete it and rerun. ${INSTALL_HINT}` };
  }
  return { path, source: '@sparticuz/chromium (npm dev dependency)', env: { FONTCONFIG_PATH: join(tmpdir(), 'fonts') } };
}

/** Decides the browser once per test run; never throws, so a missing browser fails only the browser tests. */
export async function chooseChromium(): Promise<ChromiumChoice> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    return existsSync(fromEnv)
      ? { path: fromEnv, source: 'CHROMIUM_PATH' }
      : { source: `CHROMIUM_PATH is set to ${fromEnv}, which does not exist. Point it at a Chromium/Chrome executable or unset it.` };
  }
  const system = [...SYSTEM_NAMES.map(onPath), ...(process.platform === 'darwin' ? MAC_APPS : [])]
    .find((p): p is string => !!p && existsSync(p) && answersVersion(p));
  if (system) return { path: system, source: 'system browser' };
  try {
    return (await packagedChromium()) ?? { source: INSTALL_HINT };
  } catch (err) {
    return { source: `@sparticuz/chromium could not unpack its Chromium (${(err as Error).message}). ${INSTALL_HINT}` };
  }
}

export function describeChoice(choice: ChromiumChoice): string {
  return choice.path ? `browser tests use ${choice.path} (${choice.source})` : `browser tests cannot run: ${choice.source}`;
}

export function launchChromium(): Promise<Browser> {
  const choice = inject('chromium');
  if (!choice.path) throw new Error(choice.source);
  return chromium.launch({
    executablePath: choice.path,
    ...(choice.env ? { env: { ...process.env, ...choice.env } } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
