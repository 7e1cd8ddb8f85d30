// Parent-side handle on one grader child: waits for it to warm, sends it one
// request, collects its streamed messages, and kills it on a limit breach.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MEMORY_POLL_MS, readRssBytes } from './limits.js';
import type { ChildMessage, ChildRequest } from './protocol.js';
import { spawnGraderChild, type SpawnOptions } from './spawn.js';

export interface ReadyInfo {
  loadMs: number;
  rss: number;
  fromSnapshot: boolean;
}

export type KillReason = 'timeout' | 'memory' | 'crash' | 'violation';

export interface RunOutcome {
  messages: ChildMessage[];
  killed?: KillReason;
  /** For crashes: exit code/signal and the tail of stderr, for logs only. */
  diagnostic?: string;
  peakRss: number;
}

const STDERR_TAIL = 4000;
/**
 * Most a child may write on its protocol channel for one attempt: well above what the runner's caps allow (per case
 * ~200 KB of outputs and 4 KB of stdout), so only a child whose JS was subverted reaches it; it is then killed.
 */
export const MAX_PROTOCOL_BYTES = 16 * 1024 * 1024;

export class GraderChild {
  readonly proc: ChildProcess;
  readonly ready: Promise<ReadyInfo>;
  private messages: ChildMessage[] = [];
  private listeners: ((m: ChildMessage) => void)[] = [];
  private stderrTail = '';
  private protocolBytes = 0;
  private overflowed = false;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resolves when fd 3 has been fully read, i.e. every message is in `messages`. */
  private protocolClosed: Promise<void>;

  constructor(opts: SpawnOptions, bootTimeoutMs = 60_000) {
    this.proc = spawnGraderChild(opts);
    const proc = this.proc;
    this.exited = new Promise((res) => proc.once('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      res(this.exitInfo);
    }));
    proc.on('error', () => { /* surfaced through exit / ready rejection */ });
    // Drain stdout so a chatty child can't block on a full pipe; keep stderr's tail.
    proc.stdout?.resume();
    proc.stderr?.on('data', (c: Buffer) => { this.stderrTail = (this.stderrTail + c.toString()).slice(-STDERR_TAIL); });
    proc.stdin?.on('error', () => { /* child died before reading: handled via exit */ });
    const protocol = proc.stdio[3] as NodeJS.ReadableStream;
    protocol.on('data', (c: Buffer) => {
      this.protocolBytes += c.length;
      if (this.protocolBytes > MAX_PROTOCOL_BYTES && !this.overflowed) { this.overflowed = true; this.kill(); }
    });
    const lines = createInterface({ input: protocol });
    this.protocolClosed = new Promise((res) => lines.once('close', () => res()));
    {
      lines.on('line', (line) => {
        let msg: ChildMessage;
        try {
          msg = JSON.parse(line) as ChildMessage;
          if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
        } catch {
          msg = { t: 'fatal', message: `unparseable protocol line: ${line.slice(0, 200)}` };
        }
        this.messages.push(msg);
        for (const l of this.listeners) l(msg);
      });
    }
    this.ready = new Promise<ReadyInfo>((resolve, reject) => {
      const timer = setTimeout(() => { this.kill(); reject(new Error(`grader child did not boot within ${bootTimeoutMs} ms`)); }, bootTimeoutMs);
      this.listeners.push((m) => {
        if (m.t === 'ready') { clearTimeout(timer); resolve({ loadMs: m.loadMs, rss: m.rss, fromSnapshot: m.fromSnapshot }); }
        if (m.t === 'fatal') { clearTimeout(timer); reject(new Error(`grader child failed to boot: ${m.message}`)); }
      });
      void this.exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`grader child exited during boot (code ${e.code}, signal ${e.signal}): ${this.stderrTail.slice(-800)}`));
      });
    });
    this.ready.catch(() => { /* observed by whoever awaits it */ });
  }

  get pid(): number | undefined { return this.proc.pid; }
  get alive(): boolean { return this.exitInfo === undefined; }

  kill(): void {
    if (this.alive) this.proc.kill('SIGKILL');
  }

  /** Resolves when the child reports `snapshot`; the bytes arrive on fd 4. */
  async collectSnapshot(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const pipe = this.proc.stdio[4] as NodeJS.ReadableStream;
    pipe.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((res) => pipe.on('end', () => res()));
    const e = await this.exited;
    await ended;
    const ok = this.messages.some((m) => m.t === 'snapshot');
    if (!ok || e.code !== 0) throw new Error(`snapshot child failed (code ${e.code}): ${this.stderrTail.slice(-800)}`);
    return Buffer.concat(chunks);
  }

  /**
   * Send the request and wait for `done`, a limit breach or a crash. Either
   * way the child is dead when this resolves: one attempt per process.
   */
  async run(req: ChildRequest, timeLimitMs: number, memoryLimitMb: number): Promise<RunOutcome> {
    await this.ready;
    const start = this.messages.length;
    const limitBytes = memoryLimitMb * 1024 * 1024;
    let killed: KillReason | undefined;
    let peakRss = 0;
    const pid = this.proc.pid;

    const done = new Promise<void>((resolve) => {
      this.listeners.push((m) => { if (m.t === 'done' || m.t === 'fatal') resolve(); });
      void this.exited.then(() => resolve());
    });
    const timer = setTimeout(() => { killed ??= 'timeout'; this.kill(); }, timeLimitMs);
    let polling = true;
    const poll = async () => {
      while (polling && this.alive && pid !== undefined) {
        const rss = await readRssBytes(pid);
        if (rss !== undefined) {
          peakRss = Math.max(peakRss, rss);
          if (rss > limitBytes) { killed ??= 'memory'; this.kill(); break; }
        }
        await new Promise((r) => setTimeout(r, MEMORY_POLL_MS));
      }
    };
    const poller = poll();

    this.proc.stdin?.end(JSON.stringify(req) + '\n');
    await done;
    clearTimeout(timer);
    polling = false;
    this.kill();
    const exit = await this.exited;
    // The exit event can overtake the last lines on fd 3; read them all first.
    await this.protocolClosed;
    const finishedCleanly = this.messages.slice(start).some((m) => m.t === 'done');
    await poller;
    if (this.overflowed) killed = 'violation';
    if (!finishedCleanly && !killed) killed = 'crash';
    return {
      messages: this.messages.slice(start),
      ...(killed ? { killed } : {}),
      ...(killed === 'crash' ? { diagnostic: `exit code ${exit.code}, signal ${exit.signal}; stderr: ${this.stderrTail.slice(-800)}` } : {}),
      peakRss,
    };
  }
}
