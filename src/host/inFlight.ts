// Which requests of a batch being sent were dispatched, kept where a reload cannot lose it: one small file per batch
// in the extension's global storage folder, a header line (the extension host's process id, the batch, its request
// ids) then one line per dispatch, written (synchronously, before the request can reach the server) by the
// pipeline's `sending` hook. The history itself is stored at most every few seconds (history.ts WRITE_INTERVAL_MS),
// so it cannot say this; the file is removed when the batch ends. A file left by an extension host that no longer
// runs is a batch a reload or a closed window interrupted (history startup reads it, see resume.ts): a request with
// a dispatch line may have reached the server; one without was never sent.

import fs from 'node:fs';
import path from 'node:path';
import { localOwner } from '../core/quota';

interface Header {
  v: 1;
  pid: number;
  batch: string;
  requests: string[];
}

/** A batch an ended extension host was sending: its request ids and the indexes it dispatched. */
export interface LeftBatch {
  batchId: string;
  requestIds: string[];
  /** Indexes (into requestIds) that were dispatched: they may have been received. */
  dispatched: Set<number>;
  file: string;
}

/** The open record of one batch being sent. */
export interface InFlightRecord {
  /** Before request `index` is dispatched (every attempt; the first one counts). */
  sending(index: number): void;
  /** The batch is over: its record goes. */
  close(): void;
}

const NOOP: InFlightRecord = { sending: () => undefined, close: () => undefined };

export class InFlightJournal {
  constructor(
    readonly dir: string,
    private readonly alive: (pid: number) => boolean = (pid) => localOwner().alive(pid),
    private readonly pid = process.pid,
  ) {}

  private fileOf(batchId: string): string {
    return path.join(this.dir, `${batchId.replace(/[^\w.-]/g, '_')}.inflight`);
  }

  /**
   * Starts the record of a batch. If the folder cannot be written, the batch is still sent and the record is a no-op
   * (a reload then reports its unanswered requests as "may have been received", as before): `onError` says why.
   */
  open(batchId: string, requestIds: readonly string[], onError?: (e: Error) => void): InFlightRecord {
    const file = this.fileOf(batchId);
    let fd: number;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fd = fs.openSync(file, 'w');
      const header: Header = { v: 1, pid: this.pid, batch: batchId, requests: [...requestIds] };
      fs.writeSync(fd, `${JSON.stringify(header)}\n`);
    } catch (e) {
      onError?.(e as Error);
      return NOOP;
    }
    const seen = new Set<number>();
    let open = true;
    return {
      sending: (index) => {
        if (!open || seen.has(index)) return;
        seen.add(index);
        // Synchronous: on the file before the request is dispatched (the hook is awaited by the pipeline).
        fs.writeSync(fd, `${index}\n`);
      },
      close: () => {
        if (!open) return;
        open = false;
        try {
          fs.closeSync(fd);
          fs.rmSync(file, { force: true });
        } catch (e) {
          onError?.(e as Error);
        }
      },
    };
  }

  /** Batches left by extension hosts that have ended (those of a running window are not touched). */
  leftovers(): LeftBatch[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.inflight'));
    } catch {
      return [];
    }
    const out: LeftBatch[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const [first, ...rest] = text.split('\n');
      let header: Partial<Header>;
      try {
        header = JSON.parse(first) as Partial<Header>;
      } catch {
        // A header cut short: nothing of it was dispatched (the header is written before any dispatch line).
        fs.rmSync(file, { force: true });
        continue;
      }
      if (
        typeof header.pid !== 'number' ||
        typeof header.batch !== 'string' ||
        !Array.isArray(header.requests) ||
        !header.requests.every((x) => typeof x === 'string')
      ) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (header.pid === this.pid || this.alive(header.pid)) continue;
      const dispatched = new Set<number>();
      for (const line of rest) {
        const n = Number(line);
        if (line !== '' && Number.isInteger(n) && n >= 0 && n < header.requests.length) dispatched.add(n);
      }
      out.push({ batchId: header.batch, requestIds: header.requests, dispatched, file });
    }
    return out;
  }

  /** Forgets a left batch once the history has taken what it says. */
  discard(left: LeftBatch): void {
    fs.rmSync(left.file, { force: true });
  }
}
