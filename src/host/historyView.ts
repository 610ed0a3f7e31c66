// What the Purge History view shows, as data (no vscode import, so it is tested in plain Node): each request's
// category (the words of its row), the status a filter picks (failed / pending / done / unknown), the filter over
// provider, status and URL text, and the grouping of batches by the local day they were made (Today, Yesterday,
// then dates).

import type { HistoryBatch, HistoryRequest } from './history';

/** What a request's row says, as one of the words a batch row counts. */
export type RequestCategory =
  'sending' | 'failed' | 'unknown' | 'cancelled' | 'verifyFailed' | 'cannotTell' | 'pending' | 'received' | 'done';

export function requestCategory(r: HistoryRequest): RequestCategory {
  switch (r.state) {
    case 'sending':
      return 'sending';
    case 'cancelled':
      return 'cancelled';
    case 'unknown':
      return 'unknown';
    case 'duplicate':
      return 'done';
    case 'accepted':
      if (r.verify) {
        if (r.verify.state === 'updated' || r.verify.state === 'removed') return 'done';
        if (r.verify.state === 'error') return 'verifyFailed';
        return 'cannotTell';
      }
      if (r.live === 'Completed') return 'done';
      if (r.live === 'Pending') return 'pending';
      // imgix's 200 (and an ImageKit status that could not be read): received, not known to be done.
      return 'received';
    default:
      return 'failed';
  }
}

/** The statuses the filter offers. */
export const STATUS_FILTERS = ['failed', 'pending', 'done', 'unknown'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/**
 * The status a request has for the filter (README "Purge History"): failed (refused, an error, not sent, or a
 * verification that failed), pending (being sent, ImageKit's Pending, or received by imgix and not verified yet),
 * done (completed, verified, or a duplicate of a purge seconds ago), unknown (sent with no answer, or a verification
 * that could not tell).
 */
export function statusOf(r: HistoryRequest): StatusFilter {
  switch (requestCategory(r)) {
    case 'failed':
    case 'cancelled':
    case 'verifyFailed':
      return 'failed';
    case 'sending':
    case 'pending':
    case 'received':
      return 'pending';
    case 'done':
      return 'done';
    default:
      return 'unknown';
  }
}

/** What the view is filtered by; an empty list or text is no filter on that part. */
export interface HistoryFilter {
  /** Provider ids (a batch of any of them). */
  providers?: readonly string[];
  statuses?: readonly StatusFilter[];
  /** Text searched (case-insensitive) in the request's URL and in the URLs it covers. */
  text?: string;
}

export function isFiltered(f: HistoryFilter | undefined): f is HistoryFilter {
  return !!f && (!!f.providers?.length || !!f.statuses?.length || !!f.text?.trim());
}

/** Whether a request of a batch is shown under the filter. */
export function requestMatches(b: HistoryBatch, r: HistoryRequest, f: HistoryFilter | undefined): boolean {
  if (!isFiltered(f)) return true;
  if (f.providers?.length && !f.providers.includes(b.provider)) return false;
  if (f.statuses?.length && !f.statuses.includes(statusOf(r))) return false;
  const text = f.text?.trim().toLowerCase();
  if (text && !r.url.toLowerCase().includes(text) && !r.covers.some((u) => u.toLowerCase().includes(text)))
    return false;
  return true;
}

/** The requests of a batch the filter shows (all of them when unfiltered). */
export function visibleRequests(b: HistoryBatch, f: HistoryFilter | undefined): HistoryRequest[] {
  return isFiltered(f) ? b.requests.filter((r) => requestMatches(b, r, f)) : b.requests;
}

/** The local day of a time, as YYYY-MM-DD. */
export function dayKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Which words a day group's label takes: Today, Yesterday, or its date. */
export function dayKind(key: string, now: number): 'today' | 'yesterday' | 'date' {
  if (key === dayKey(now)) return 'today';
  const y = new Date(now);
  y.setDate(y.getDate() - 1);
  return key === dayKey(y.getTime()) ? 'yesterday' : 'date';
}

/** Local midnight of a day key (for its label). */
export function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

export interface DayGroup {
  key: string;
  batches: HistoryBatch[];
  /** Requests shown in this day (under the filter). */
  requests: number;
}

/** The batches with something to show under the filter, by local day, newest day first, in the store's order. */
export function groupByDay(batches: readonly HistoryBatch[], f?: HistoryFilter): DayGroup[] {
  const groups = new Map<string, DayGroup>();
  for (const b of batches) {
    const shown = visibleRequests(b, f).length;
    if (shown === 0) continue;
    const key = dayKey(b.createdAt);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, batches: [], requests: 0 }));
    g.batches.push(b);
    g.requests += shown;
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
}

/** How many requests the filter shows, of how many in all. */
export function filterCounts(batches: readonly HistoryBatch[], f?: HistoryFilter): { shown: number; total: number } {
  let shown = 0;
  let total = 0;
  for (const b of batches) {
    total += b.requests.length;
    shown += visibleRequests(b, f).length;
  }
  return { shown, total };
}
