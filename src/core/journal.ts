// The crash-safe journal of a purge run (`--journal FILE`, `--resume FILE`): one JSON object a line, appended and
// fsynced before the next step, so that whatever happens to the process (Ctrl-C, kill -9, a lost runner) the file
// says what was planned, what was about to be sent, and what was answered.
//
//   {"v":1,"type":"start","at":"…","pid":123,"tool":"cdn-purge/0.2.0","resume":false}
//   {"v":1,"type":"plan","at":"…","provider":"imagekit","api":"https://api.imagekit.io","requests":[{"url","kind","covers"}]}
//   {"v":1,"type":"send","at":"…","provider":"imagekit","url":"…","attempt":1}      (before the request is dispatched)
//   {"v":1,"type":"result","at":"…","provider":"imagekit","url":"…","status":"accepted","httpStatus":201,
//    "requestId":"…","delivery":"answered"}                                             (as its outcome is known)
//   {"v":1,"type":"end","at":"…","interrupted":false}
//
// `delivery` is "answered" (the provider answered), "unknown" (sent, no answer: it may have been received) or
// "not-sent". A "send" with no "result" after it is a request that may have been received (the process ended while
// it was in flight). Resuming sends every planned request the journal does not show as answered.

import fs from 'node:fs';
import path from 'node:path';
import type { Delivery, ResultStatus } from './purge';

export const JOURNAL_VERSION = 1;

export interface JournalRequest {
  url: string;
  kind: 'exact' | 'wildcard';
  covers: string[];
}

export type JournalEntry =
  | { v: 1; type: 'start'; at: string; pid: number; tool: string; resume: boolean }
  | { v: 1; type: 'plan'; at: string; provider: string; api: string; requests: JournalRequest[] }
  | { v: 1; type: 'send'; at: string; provider: string; url: string; attempt: number }
  | {
      v: 1;
      type: 'result';
      at: string;
      provider: string;
      url: string;
      status: ResultStatus;
      httpStatus?: number;
      requestId?: string;
      delivery: Delivery;
    }
  | { v: 1; type: 'end'; at: string; interrupted: boolean };

type Body<T> = T extends unknown ? Omit<T, 'v' | 'at'> : never;

/** Appends entries to a journal file, each written and fsynced before write() returns. */
export class JournalWriter {
  private constructor(
    readonly file: string,
    private fd: number | undefined,
  ) {}

  /** Opens (creating it, and its folder) for appending. Throws an Error naming the file when it cannot. */
  static open(file: string): JournalWriter {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const existed = fs.existsSync(file);
      const fd = fs.openSync(file, 'a');
      if (!existed) {
        // The new file's name must survive a crash too.
        try {
          const dir = fs.openSync(path.dirname(file), 'r');
          fs.fsyncSync(dir);
          fs.closeSync(dir);
        } catch {
          // not every file system syncs a folder
        }
      }
      return new JournalWriter(file, fd);
    } catch (e) {
      throw new Error(
        `the journal ${file} cannot be opened for writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
  }

  /** Writes one entry as a line and fsyncs it. Throws when it cannot (then the caller must not go on). */
  write(entry: Body<JournalEntry>): void {
    if (this.fd === undefined) throw new Error(`the journal ${this.file} is closed`);
    const line = `${JSON.stringify({ v: JOURNAL_VERSION, at: new Date().toISOString(), ...entry })}\n`;
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface PlannedEntry extends JournalRequest {
  provider: string;
  api: string;
}

export interface JournalState {
  /** Every planned request, in the order first planned (provider and URL identify one). */
  planned: PlannedEntry[];
  /** The answered ones (their last answer), by key. */
  answered: Map<string, Extract<JournalEntry, { type: 'result' }>>;
  /** Sent at least once, never answered (a result of `unknown`, or a send with no result after it). */
  unanswered: Set<string>;
  /** Runs recorded (start lines). */
  runs: number;
  /** Lines that are not journal entries (a last line cut off by a crash is one). */
  skippedLines: number[];
}

export function journalKey(provider: string, url: string): string {
  return `${provider}\n${url}`;
}

function isEntry(v: unknown): v is JournalEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  if (e.v !== JOURNAL_VERSION || typeof e.type !== 'string') return false;
  switch (e.type) {
    case 'plan':
      return (
        typeof e.provider === 'string' &&
        typeof e.api === 'string' &&
        Array.isArray(e.requests) &&
        e.requests.every(
          (r: unknown) =>
            typeof r === 'object' &&
            r !== null &&
            typeof (r as JournalRequest).url === 'string' &&
            ((r as JournalRequest).kind === 'exact' || (r as JournalRequest).kind === 'wildcard'),
        )
      );
    case 'send':
      return typeof e.provider === 'string' && typeof e.url === 'string';
    case 'result':
      return typeof e.provider === 'string' && typeof e.url === 'string' && typeof e.delivery === 'string';
    case 'start':
    case 'end':
      return true;
    default:
      return false;
  }
}

/** Reads a journal's text; lines that are not entries are skipped and counted (never an error). */
export function readJournal(text: string): JournalState {
  const planned: PlannedEntry[] = [];
  const seen = new Set<string>();
  const answered = new Map<string, Extract<JournalEntry, { type: 'result' }>>();
  const inFlight = new Set<string>();
  const unanswered = new Set<string>();
  const skippedLines: number[] = [];
  let runs = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      skippedLines.push(i + 1);
      return;
    }
    if (!isEntry(e)) {
      skippedLines.push(i + 1);
      return;
    }
    if (e.type === 'start') {
      runs++;
      // What was in flight when an earlier run ended stays "may have been received".
      for (const k of inFlight) unanswered.add(k);
      inFlight.clear();
    } else if (e.type === 'plan') {
      for (const r of e.requests) {
        const k = journalKey(e.provider, r.url);
        if (seen.has(k)) continue;
        seen.add(k);
        planned.push({
          provider: e.provider,
          api: e.api,
          url: r.url,
          kind: r.kind,
          covers: Array.isArray(r.covers) ? r.covers : [r.url],
        });
      }
    } else if (e.type === 'send') {
      inFlight.add(journalKey(e.provider, e.url));
    } else if (e.type === 'result') {
      const k = journalKey(e.provider, e.url);
      inFlight.delete(k);
      if (e.delivery === 'answered') {
        answered.set(k, e);
        unanswered.delete(k);
      } else if (e.delivery === 'unknown' && !answered.has(k)) unanswered.add(k);
    }
  });
  for (const k of inFlight) if (!answered.has(k)) unanswered.add(k);
  return { planned, answered, unanswered, runs, skippedLines };
}

export interface ResumePlan {
  /** Planned and not answered: what a resumed run sends. */
  toSend: PlannedEntry[];
  /** Of toSend: sent before without an answer (they may have been received; sent again). */
  resent: PlannedEntry[];
  /** Answered: skipped, with their last status. */
  skipped: Array<PlannedEntry & { status: ResultStatus }>;
}

export function resumePlan(state: JournalState): ResumePlan {
  const toSend: PlannedEntry[] = [];
  const resent: PlannedEntry[] = [];
  const skipped: ResumePlan['skipped'] = [];
  for (const p of state.planned) {
    const k = journalKey(p.provider, p.url);
    const a = state.answered.get(k);
    if (a) skipped.push({ ...p, status: a.status });
    else {
      toSend.push(p);
      if (state.unanswered.has(k)) resent.push(p);
    }
  }
  return { toSend, resent, skipped };
}
