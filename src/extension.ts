// Wiring only: later issues register commands, views and providers here, each disposable in context.subscriptions.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
