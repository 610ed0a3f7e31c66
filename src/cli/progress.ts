// A progress bar on stderr, only when stderr is a terminal: "imagekit [#########-----------] 45/120  40 ok
// 2 failed  ETA 0:12". Redrawn at most ten times a second on one line; cleared before anything else is printed to
// the same terminal, and redrawn after it. Nothing at all when stderr is a file or a pipe (CI logs stay clean).

export interface ProgressCounts {
  done: number;
  ok: number;
  failed: number;
  unknown: number;
}

const REDRAW_MS = 100;

function clock(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.round(s % 60);
  return `${m}:${String(r).padStart(2, '0')}`;
}

export class ProgressBar {
  private label = '';
  private total = 0;
  private counts: ProgressCounts = { done: 0, ok: 0, failed: 0, unknown: 0 };
  private startedAt = 0;
  private lastDraw = 0;
  private visible = false;
  private active = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly columns = 80,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a bar for `total` steps (nothing is shown for a single one). */
  start(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.counts = { done: 0, ok: 0, failed: 0, unknown: 0 };
    this.startedAt = this.now();
    this.lastDraw = 0;
    this.active = total > 1;
    this.draw(true);
  }

  update(counts: Partial<ProgressCounts>): void {
    if (!this.active) return;
    this.counts = { ...this.counts, ...counts };
    this.draw(this.counts.done >= this.total);
  }

  /** The text of the bar as it is drawn now (for tests). */
  render(): string {
    const { done, ok, failed, unknown } = this.counts;
    const elapsed = (this.now() - this.startedAt) / 1000;
    const eta = done > 0 && done < this.total ? `  ETA ${clock((elapsed / done) * (this.total - done))}` : '';
    const tail = `  ${done}/${this.total}  ${ok} ok${failed ? `  ${failed} failed` : ''}${unknown ? `  ${unknown} unknown` : ''}${eta}`;
    const width = Math.max(10, Math.min(40, this.columns - this.label.length - tail.length - 4));
    const filled = this.total ? Math.round((done / this.total) * width) : width;
    return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`.slice(
      0,
      Math.max(20, this.columns - 1),
    );
  }

  private draw(force: boolean): void {
    if (!this.active) return;
    const t = this.now();
    if (!force && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.write(`\r\x1b[2K${this.render()}`);
    this.visible = true;
  }

  /** Erases the bar's line (before other output to the same terminal). */
  clear(): void {
    if (!this.visible) return;
    this.write('\r\x1b[2K');
    this.visible = false;
  }

  /** Draws it again after other output. */
  redraw(): void {
    if (this.active) this.draw(true);
  }

  /** Removes the bar for good. */
  finish(): void {
    this.clear();
    this.active = false;
  }
}
