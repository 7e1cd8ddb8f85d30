/**
 * npm run bank:cases [-- slug ...]: rebuilds cases.json for the bank's code problems (all, or the slugs given)
 * from cases.py and solution.py. See src/practice/bank-cases.ts.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBankDir } from './bank.js';
import { buildCases, formatCases, trustedInterpreter } from './bank-cases.js';

const only = process.argv.slice(2);
const py = await trustedInterpreter();
let failed = 0;
for (const slug of readdirSync(defaultBankDir).sort()) {
  const folder = join(defaultBankDir, slug);
  if (!existsSync(join(folder, 'cases.py')) || (only.length && !only.includes(slug))) continue;
  try {
    const cases = buildCases(py, folder, slug);
    writeFileSync(join(folder, 'cases.json'), formatCases(cases));
    console.log(`${slug}: ${cases.filter((c) => c.visible).length} visible, ${cases.filter((c) => !c.visible).length} hidden`);
  } catch (err) {
    failed++;
    console.error(String((err as Error).message ?? err));
  }
}
process.exitCode = failed ? 1 : 0;
