/**
 * npm run bench:verify <bundle.json> [public-key.pem]: checks a signed benchmark export. Exits 0 when the signature
 * and every file hash match, 1 otherwise, saying why.
 */
import { readFileSync } from 'node:fs';
import { verifyBundle } from './export.js';

const [file, keyFile] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run bench:verify <bundle.json> [public-key.pem]');
  process.exit(2);
}
const result = verifyBundle(readFileSync(file, 'utf8'), keyFile ? readFileSync(keyFile, 'utf8') : undefined);
if (result.ok) {
  console.log(`OK: run ${result.run}; ${result.files.join(', ')} match the signed manifest${keyFile ? ' and the given key' : ' (key: the one inside the bundle)'}`);
} else {
  console.error(`FAILED: ${result.reason}`);
  process.exit(1);
}
