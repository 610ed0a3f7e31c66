// A minimal stand-in for the `vscode` module, so host-side services (src/host/, src/commands/) run in plain Node
// under mocha: EventEmitter, the window's messages and progress, commands, env, Uri, Range/Position, diagnostics,
// code actions, the workspace's configuration (package.json's defaults under what a test sets), files, folders,
// documents and their events. Messages are recorded; the answer to each message comes from `answers` (first
// matching prefix), else undefined (dismissed). install() makes `require('vscode')` return it; reset() clears the
// state tests share. Things VS Code does asynchronously (events) happen synchronously here.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { ROOT } from './paths';

export interface Shown {
  kind: 'info' | 'warning' | 'error';
  message: string;
  /** The buttons offered. */
  items?: string[];
  modal?: boolean;
}

export const shown: Shown[] = [];
export const answers: Array<{ prefix: string; pick: string }> = [];
export const executed: string[] = [];
/** executeCommand calls with their arguments. */
export const executedWith: Array<{ id: string; args: unknown[] }> = [];

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
    const items = rest.filter((x): x is string => typeof x === 'string');
    const options = rest.find((x): x is { modal?: boolean } => typeof x === 'object' && x !== null);
    shown.push({ kind, message: text, items, ...(options?.modal ? { modal: true } : {}) });
    const a = answers.find((x) => text.startsWith(x.prefix) && items.includes(x.pick));
    return a?.pick;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Positions, ranges, URIs, documents

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isEqual(o: Position): boolean {
    return o.line === this.line && o.character === this.character;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (typeof a === 'number') {
      this.start = new Position(a, b as number);
      this.end = new Position(c ?? 0, d ?? 0);
    } else {
      this.start = a;
      this.end = b as Position;
    }
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static parse(s: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(.*)$/.exec(s);
    return m ? new Uri(m[1], m[2]) : new Uri('file', s);
  }
  static file(p: string): Uri {
    return new Uri('file', `//${p.startsWith('/') ? p : `/${p}`}`);
  }
  static from(c: { scheme: string; path: string }): Uri {
    return new Uri(c.scheme, `//${c.path.startsWith('/') ? c.path : `/${c.path}`}`);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path.replace(/^\/\//, '');
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}

/** A TextDocument over a string; setText() changes it (version + 1) and fires onDidChangeTextDocument. */
export class TextDocument {
  version = 1;
  isClosed = false;
  isDirty = false;
  constructor(
    readonly uri: Uri,
    private text: string,
    readonly languageId = 'plaintext',
  ) {}
  getText(range?: Range): string {
    if (!range) return this.text;
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
  private lineStarts(): number[] {
    const starts = [0];
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  get lineCount(): number {
    return this.lineStarts().length;
  }
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts();
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= o) line++;
    return new Position(line, o - starts[line]);
  }
  offsetAt(p: Position): number {
    const starts = this.lineStarts();
    const line = Math.max(0, Math.min(p.line, starts.length - 1));
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : this.text.length;
    return Math.min(starts[line] + p.character, end);
  }
  lineAt(lineOrPos: number | Position) {
    const line = typeof lineOrPos === 'number' ? lineOrPos : lineOrPos.line;
    const starts = this.lineStarts();
    const start = starts[line];
    const end = line + 1 < starts.length ? starts[line + 1] - 1 : this.text.length;
    return {
      lineNumber: line,
      text: this.text.slice(start, end),
      range: new Range(new Position(line, 0), new Position(line, end - start)),
    };
  }
  /** Replaces the text as an edit would: a new version, and the change event. */
  setText(text: string, { dirty = true } = {}): void {
    this.text = text;
    this.version++;
    this.isDirty = dirty;
    workspaceEvents.change.fire({ document: this, contentChanges: [{ text }], reason: undefined });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics and code actions

export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

export class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: Uri };
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number = DiagnosticSeverity.Error,
  ) {}
}

export class DiagnosticCollection {
  readonly entries = new Map<string, { uri: Uri; diagnostics: Diagnostic[] }>();
  constructor(readonly name: string) {}
  set(uri: Uri, diagnostics: Diagnostic[]): void {
    this.entries.set(uri.toString(), { uri, diagnostics: [...diagnostics] });
  }
  get(uri: Uri): Diagnostic[] | undefined {
    return this.entries.get(uri.toString())?.diagnostics;
  }
  has(uri: Uri): boolean {
    return this.entries.has(uri.toString());
  }
  delete(uri: Uri): void {
    this.entries.delete(uri.toString());
  }
  clear(): void {
    this.entries.clear();
  }
  forEach(fn: (uri: Uri, d: Diagnostic[]) => void): void {
    for (const e of [...this.entries.values()]) fn(e.uri, e.diagnostics);
  }
  dispose(): void {
    this.entries.clear();
    collections.splice(collections.indexOf(this), 1);
  }
}

/** Every diagnostic collection created (by name). */
export const collections: DiagnosticCollection[] = [];

class Kind {
  constructor(readonly value: string) {}
  append(part: string): Kind {
    return new Kind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: Kind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: Kind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export const CodeActionKind = {
  Empty: new Kind(''),
  QuickFix: new Kind('quickfix'),
  Source: new Kind('source'),
  SourceFixAll: new Kind('source.fixAll'),
};

export class CodeAction {
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit?: WorkspaceEdit;
  command?: { title: string; command: string; arguments?: unknown[] };
  constructor(
    readonly title: string,
    readonly kind?: Kind,
  ) {}
}

export class WorkspaceEdit {
  readonly replacements: Array<{ uri: Uri; range: Range; text: string }> = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.replacements.push({ uri, range, text });
  }
  get size(): number {
    return new Set(this.replacements.map((r) => r.uri.toString())).size;
  }
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over a relative path, for the stub's findFiles. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      re += '(?:/.*)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// ---------------------------------------------------------------------------------------------------------------
// The workspace: configuration, folders, files, documents

/** User settings under `cdnPurge.` (without the section), as a test sets them; package.json's defaults below. */
export const configuration = new Map<string, unknown>();

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
};

/** The defaults package.json declares, by full id (`cdnPurge.coalesce`). */
export const manifestDefaults = new Map(
  Object.entries(manifest.contributes.configuration.properties).map(([k, v]) => [k, v.default]),
);

const configChange = new EventEmitter<{ affectsConfiguration(s: string): boolean }>();

/** Sets (or, with undefined, removes) a setting and fires onDidChangeConfiguration, as VS Code does. */
export function setConfiguration(key: string, value: unknown): void {
  if (value === undefined) configuration.delete(key);
  else configuration.set(key, value);
  const full = `cdnPurge.${key}`;
  configChange.fire({ affectsConfiguration: (s) => full === s || full.startsWith(`${s}.`) });
}

/** Files of the workspace's file system, by URI string. */
export const files = new Map<string, Uint8Array>();

export function writeFile(uri: Uri, text: string): void {
  files.set(uri.toString(), Buffer.from(text, 'utf8'));
}

class FileSystemError extends Error {
  code = 'FileNotFound';
}

interface Watcher {
  pattern: string;
  change: EventEmitter<Uri>;
  create: EventEmitter<Uri>;
  delete: EventEmitter<Uri>;
}
export const watchers: Watcher[] = [];

const workspaceEvents = {
  open: new EventEmitter<TextDocument>(),
  change: new EventEmitter<{ document: TextDocument; contentChanges: unknown[]; reason: undefined }>(),
  close: new EventEmitter<TextDocument>(),
  trust: new EventEmitter<void>(),
};

export const workspaceState = {
  folders: undefined as Array<{ uri: Uri; name: string; index: number }> | undefined,
  documents: [] as TextDocument[],
  trusted: true,
};

/** Opens a document (fires onDidOpenTextDocument). */
export function openDocument(uri: Uri | string, text: string, languageId = 'plaintext'): TextDocument {
  const doc = new TextDocument(typeof uri === 'string' ? Uri.parse(uri) : uri, text, languageId);
  workspaceState.documents.push(doc);
  workspaceEvents.open.fire(doc);
  return doc;
}

/** Closes a document (fires onDidCloseTextDocument). */
export function closeDocument(doc: TextDocument): void {
  doc.isClosed = true;
  workspaceState.documents = workspaceState.documents.filter((d) => d !== doc);
  workspaceEvents.close.fire(doc);
}

// ---------------------------------------------------------------------------------------------------------------
// The window's editors

const activeEditorChange = new EventEmitter<unknown>();
export const windowState = {
  activeTextEditor: undefined as { document: TextDocument } | undefined,
};

/** Makes a document the active editor's (fires onDidChangeActiveTextEditor). */
export function setActiveDocument(doc: TextDocument | undefined): void {
  windowState.activeTextEditor = doc ? { document: doc } : undefined;
  activeEditorChange.fire(windowState.activeTextEditor);
}

/** Commands registered with registerCommand, by id. */
export const registered = new Map<string, (...args: unknown[]) => unknown>();

/** Context keys set with `setContext`. */
export const contextKeys = new Map<string, unknown>();

/**
 * vscode.l10n.t as VS Code does it without a translation bundle: `{0}`, `{1}`… take the arguments in order, `{name}`
 * the properties of a record; the message itself is the English text.
 */
function l10nT(
  message: string | { message: string; args?: unknown[] | Record<string, unknown>; comment?: string | string[] },
  ...rest: unknown[]
): string {
  const text = typeof message === 'string' ? message : message.message;
  const args: unknown[] | Record<string, unknown> =
    typeof message === 'string'
      ? rest.length === 1 && typeof rest[0] === 'object' && rest[0] !== null && !Array.isArray(rest[0])
        ? (rest[0] as Record<string, unknown>)
        : rest
      : (message.args ?? []);
  return text.replace(/\{([^{}]+)\}/g, (all, k: string) => {
    const v: unknown = Array.isArray(args) ? args[Number(k)] : args[k];
    if (v === undefined) return all;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  });
}

export const stub = {
  EventEmitter,
  l10n: { t: l10nT, bundle: undefined, uri: undefined },
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
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  TreeItem: class {
    id?: string;
    description?: string;
    tooltip?: unknown;
    iconPath?: unknown;
    contextValue?: string;
    accessibilityInformation?: unknown;
    constructor(
      readonly label: string,
      readonly collapsibleState = 0,
    ) {}
  },
  MarkdownString: class {
    value = '';
    constructor(
      value = '',
      readonly supportThemeIcons = false,
    ) {
      this.value = value;
    }
    appendMarkdown(s: string) {
      this.value += s;
      return this;
    }
    appendCodeblock(code: string, language = '') {
      this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
      return this;
    }
  },
  Uri,
  RelativePattern: class {
    constructor(
      readonly base: unknown,
      readonly pattern: string,
    ) {}
  },
  env: { openExternal: async () => true },
  commands: {
    executeCommand: async (id: string, ...args: unknown[]) => {
      executed.push(id);
      executedWith.push({ id, args });
      if (id === 'setContext') contextKeys.set(args[0] as string, args[1]);
      return undefined;
    },
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      if (registered.has(id)) throw new Error(`command '${id}' already exists`);
      registered.set(id, fn);
      return { dispose: () => registered.delete(id) };
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
    get activeTextEditor() {
      return windowState.activeTextEditor;
    },
    onDidChangeActiveTextEditor: activeEditorChange.event,
    showTextDocument: async (doc: TextDocument) => {
      windowState.activeTextEditor = { document: doc };
      return windowState.activeTextEditor;
    },
  },
  Position,
  Range,
  Diagnostic,
  DiagnosticSeverity,
  CodeAction,
  CodeActionKind,
  WorkspaceEdit,
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  languages: {
    createDiagnosticCollection: (name: string) => {
      const c = new DiagnosticCollection(name);
      collections.push(c);
      return c;
    },
    registerCodeActionsProvider: () => ({ dispose: () => {} }),
  },
  workspace: {
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback?: T): T | undefined => {
        if (section === 'cdnPurge' && configuration.has(key)) return configuration.get(key) as T;
        const d = manifestDefaults.get(`${section}.${key}`);
        return (d !== undefined ? d : fallback) as T | undefined;
      },
      has: (key: string) => configuration.has(key) || manifestDefaults.has(`${section}.${key}`),
      update: async (key: string, value: unknown) => setConfiguration(key, value),
    }),
    onDidChangeConfiguration: configChange.event,
    /** Workspace trust: trusted unless a test sets `workspaceState.trusted = false`. */
    get isTrusted() {
      return workspaceState.trusted;
    },
    onDidGrantWorkspaceTrust: workspaceEvents.trust.event,
    get workspaceFolders() {
      return workspaceState.folders;
    },
    get textDocuments() {
      return workspaceState.documents;
    },
    onDidOpenTextDocument: workspaceEvents.open.event,
    onDidChangeTextDocument: workspaceEvents.change.event,
    onDidCloseTextDocument: workspaceEvents.close.event,
    onDidRenameFiles: new EventEmitter<unknown>().event,
    /** The files of `files` whose path matches the pattern's glob, relative to its base (a test's workspace). */
    findFiles: async (pattern: { base: { uri?: Uri } | Uri; pattern: string }, _exclude?: unknown, max?: number) => {
      const base = 'uri' in pattern.base && pattern.base.uri ? pattern.base.uri : (pattern.base as Uri);
      const root = `${base.toString().replace(/\/$/, '')}/`;
      const re = globRegExp(pattern.pattern);
      return [...files.keys()]
        .filter((k) => k.startsWith(root) && re.test(k.slice(root.length)))
        .slice(0, max)
        .map((k) => Uri.parse(k));
    },
    asRelativePath: (uri: Uri | string) => {
      const s = typeof uri === 'string' ? uri : uri.toString();
      for (const f of workspaceState.folders ?? []) {
        const root = `${f.uri.toString().replace(/\/$/, '')}/`;
        if (s.startsWith(root)) return s.slice(root.length);
      }
      return typeof uri === 'string' ? uri : uri.fsPath;
    },
    openTextDocument: async (uri: Uri) =>
      workspaceState.documents.find((d) => d.uri.toString() === uri.toString()) ??
      openDocument(uri, Buffer.from(files.get(uri.toString()) ?? new Uint8Array()).toString('utf8'), 'json'),
    createFileSystemWatcher: (pattern: string) => {
      const w: Watcher = {
        pattern,
        change: new EventEmitter<Uri>(),
        create: new EventEmitter<Uri>(),
        delete: new EventEmitter<Uri>(),
      };
      watchers.push(w);
      return {
        onDidChange: w.change.event,
        onDidCreate: w.create.event,
        onDidDelete: w.delete.event,
        dispose: () => watchers.splice(watchers.indexOf(w), 1),
      };
    },
    fs: {
      stat: async (uri: Uri) => {
        const f = files.get(uri.toString());
        if (!f) throw new FileSystemError(`no file ${uri.toString()}`);
        return { type: 1, ctime: 0, mtime: 0, size: f.length };
      },
      readFile: async (uri: Uri) => {
        const f = files.get(uri.toString());
        if (!f) throw new FileSystemError(`no file ${uri.toString()}`);
        return f;
      },
    },
  },
};

/** The command ids package.json contributes. */
export const contributedCommands = manifest.contributes.commands.map((c) => c.command);

/** Clears what tests share: messages, answers, commands, settings, files, folders, documents, editors. */
export function reset(): void {
  shown.length = 0;
  answers.length = 0;
  executed.length = 0;
  executedWith.length = 0;
  registered.clear();
  contextKeys.clear();
  configuration.clear();
  files.clear();
  workspaceState.folders = undefined;
  workspaceState.trusted = true;
  workspaceState.documents = [];
  windowState.activeTextEditor = undefined;
}

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
  /** Every update, in order (key and value). */
  readonly writes: Array<{ key: string; value: unknown }> = [];
  get<T>(key: string, fallback?: T): T | undefined {
    return (this.data.has(key) ? this.data.get(key) : fallback) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes.push({ key, value });
    this.data.set(key, value);
  }
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
}

/**
 * A manual clock for the host's Timers (src/host/timers.ts): nothing runs until the test advances it, so tests
 * check delays and debounces without waiting.
 */
export class ManualTimers {
  private time = 1_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void; ms: number }>();
  /** The delay of every setTimeout, in order. */
  readonly delays: number[] = [];
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.time + ms, fn, ms });
    this.delays.push(ms);
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.pending.delete(h as number);
  };
  now = (): number => this.time;
  /** Timers waiting, with their delays. */
  get waiting(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }
  /** Moves the clock on, running each timer that comes due (in order of due time). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > until) break;
      this.pending.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = until;
  }
}
