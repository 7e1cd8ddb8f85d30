/**
 * npm run bench:verify <bundle.json> [public-key.pem]: checks a signed benchmark export with checkBundle (the same
 * check as the page /bench/verify). Exits 0 when the key, the signature and every file hash match, 1 otherwise,
 * saying why.
 */
import { readFileSync } from 'node:fs';
import { checkBundle } from './verify.js';

const [file, keyFile] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run bench:verify <bundle.json> [public-key.pem]');
  process.exit(2);
}
const result = checkBundle(readFileSync(file, 'utf8'), keyFile ? readFileSync(keyFile, 'utf8') : undefined);
if (!result.readable) {
  console.error(`FAILED: ${result.field === 'key' ? keyFile : file}: ${result.reason}`);
  process.exit(1);
}
for (const f of result.files) console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.name}${f.problem ? ` ${f.problem}` : ''}`);
if (result.ok) {
  console.log(`OK: run ${result.run}; ${result.files.map((f) => f.name).join(', ')} match the signed manifest${keyFile ? ' and the given key' : ' (key: the one inside the bundle)'}`);
} else {
  console.error(`FAILED: ${result.reason}`);
  process.exit(1);
}
