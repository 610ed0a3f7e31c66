// The extension's globalState with typed keys (as GitLens does it): each key's value type is declared once in
// GlobalState, and nothing reads or writes a key that is not declared there. What is read back is untrusted (another
// version of the extension, a hand edit, a crash mid-write): `read` returns unknown for the reader to check.

import type * as vscode from 'vscode';
import type { StoredHistory } from './history';
import { StorageKey } from './ids';

export interface GlobalState {
  [StorageKey.history]: StoredHistory;
  [StorageKey.historyUnreadable]: unknown;
  /** ImageKit purges counted this month, per account (core/quota.ts names them `quota:<provider>:...`). */
  [quota: `quota:${string}`]: number;
}

export type GlobalStateKey = keyof GlobalState;

export class Storage {
  constructor(private readonly memento: vscode.Memento) {}

  /** The stored value, unchecked. */
  read(key: GlobalStateKey): unknown {
    return this.memento.get<unknown>(key);
  }

  write<K extends GlobalStateKey>(key: K, value: GlobalState[K]): Thenable<void> {
    return this.memento.update(key, value);
  }
}
