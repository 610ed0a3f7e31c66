// A minimal stand-in for the `vscode` module, so host-side services (src/host/) run in plain Node under mocha:
// EventEmitter, the window's messages and progress, commands, env, Uri. Messages are recorded; the answer to
// each modal comes from `answers` (first matching prefix), else undefined (dismissed). install() makes
// `require('vscode')` return it.
import Module from 'node:module';

export interface Shown {
  kind: 'info' | 'warning' | 'error';
  message: string;
}

export const shown: Shown[] = [];
export const answers: Array<{ prefix: string; pick: string }> = [];
export const executed: string[] = [];

class EventEmitter<T> {
  private listeners: Array<(e: T) => void> = [];
  event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

function message(kind: Shown['kind']) {
  return async (text: string, ...rest: unknown[]) => {
    shown.push({ kind, message: text });
    const items = rest.filter((x): x is string => typeof x === 'string');
    const a = answers.find((x) => text.startsWith(x.prefix) && items.includes(x.pick));
    return a?.pick;
  };
}

export const stub = {
  EventEmitter,
  ProgressLocation: { Notification: 15, Window: 10 },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  Uri: { parse: (s: string) => ({ toString: () => s }) },
  env: { openExternal: async () => true },
  commands: {
    executeCommand: async (id: string) => {
      executed.push(id);
      return undefined;
    },
  },
  window: {
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    withProgress: async <T>(
      _o: unknown,
      task: (
        p: { report: (x: unknown) => void },
        token: { onCancellationRequested: () => { dispose: () => void } },
      ) => Promise<T>,
    ) => task({ report: () => {} }, { onCancellationRequested: () => ({ dispose: () => {} }) }),
  },
};

let installed = false;
export function install(): void {
  if (installed) return;
  installed = true;
  const M = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return stub;
    return original.call(this, request, parent, isMain);
  };
}

/** A vscode.Memento in memory. */
export class MemoryMemento {
  readonly data = new Map<string, unknown>();
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.data.has(key) ? this.data.get(key) : fallback) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
}
