// `npm start`: build if needed, then run Postgres (embedded when DATABASE_URL is unset), the web and the worker
// together through scripts/supervise.mjs. One Ctrl-C stops all of them; a second one forces it.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// detached: its own process group, so the terminal's SIGINT does not hit Postgres before the worker is done with it.
const supervisor = spawn(process.execPath, [join(root, 'scripts', 'supervise.mjs')], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  detached: true,
});
supervisor.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// npm forwards the terminal's SIGINT to us as well, so one Ctrl-C can arrive twice within milliseconds: only a
// signal well after the first counts as "force it".
let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    const now = Date.now();
    if (!firstSignalAt) {
      firstSignalAt = now;
      supervisor.kill('SIGTERM');
    } else if (now - firstSignalAt > 1000) {
      // Second Ctrl-C: stop waiting; kill the whole group so nothing is left behind.
      try {
        process.kill(-supervisor.pid, 'SIGKILL');
      } catch {}
      process.exit(130);
    }
  });
}
