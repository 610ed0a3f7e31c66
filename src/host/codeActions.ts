// Quick fixes for the purge-pattern diagnostics, as vscode-eslint and vscode-markdownlint offer them:
// - the fixes the core's rules compute (cut after the first `*`, remove the `*`, drop the query, encode `*` as
//   %2A…), the preferred one marked so;
// - for a refused wildcard (too broad, over media/catalog/, imgix): valid narrower wildcards over the URLs known to
//   lie under it, and replacing it by those URLs (knownUrls.ts: this document, open documents, mapped files);
// - for a URL under no configured endpoint: adding its endpoint (to cdn-purge.json when the workspace has one);
// - disabling the problem for the line or the file (a comment in the document's syntax, core/directives.ts);
// - the problem's documentation;
// - "Fix all": every preferred fix of the document at once, as a quick fix and as the `source.fixAll.cdnPurge`
//   action (`editor.codeActionsOnSave`).
// Taken from the document index's entry for the current version, so they match the current text even before the
// diagnostics are redrawn.

import { modify, parse as parseJson } from 'jsonc-parser';
import * as vscode from 'vscode';
import { PROJECT_CONFIG_FILE } from '../core/config';
import { disableCommentEdit } from '../core/directives';
import { fixAllEdits, levelOf, type LintFinding } from '../core/lint';
import { listSeparator, narrowWildcard } from '../core/narrow';
import { docsUrl, type ProblemCode } from '../core/problems';
import { providerById } from '../core/providers/registry';
import { parseUrl } from '../core/url';
import { diagnosticCode, levelOverrides } from './diagnostics';
import type { DocumentIndex } from './documentIndex';
import { InternalCommand, providerSettings, SECTION, settingId, VsCodeCommand } from './ids';
import type { KnownUrls } from './knownUrls';
import type { Settings } from './settings';

/** Codes whose wildcard can be narrowed, or replaced by the URLs under it. */
const NARROWABLE: ReadonlySet<string> = new Set<ProblemCode>([
  'wildcard-too-broad',
  'wildcard-path-unsupported',
  'imgix-no-wildcard',
]);
/** A replacement by more URLs than this is not offered (a wildcard is the better tool then). */
export const MAX_REPLACEMENT_URLS = 50;

/** What the fix-all action and command change in a document: one edit per URL with a preferred fix. */
export function fixAllEdit(
  doc: vscode.TextDocument,
  findings: readonly LintFinding[],
  settings: Pick<Settings, 'checkers' | 'get'>,
): vscode.WorkspaceEdit | undefined {
  const overrides = levelOverrides(settings);
  const edits = fixAllEdits(findings, settings.checkers(), (f) => levelOf(f.problem, overrides) !== 'off');
  if (edits.length === 0) return undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits)
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
  return edit;
}

function short(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/** The endpoint a URL under no endpoint most likely belongs to: the origin, and for ik.imagekit.io its first segment. */
export function endpointFor(url: string): string | undefined {
  const p = parseUrl(url);
  if (!p.ok) return undefined;
  const u = p.url;
  if (u.hostname === 'ik.imagekit.io') {
    const id = u.rawPath.split('/')[1];
    return id && !id.includes('*') ? `${u.origin}/${id}` : undefined;
  }
  return u.origin;
}

export class PurgePatternFixes implements vscode.CodeActionProvider {
  static readonly fixAllKind = vscode.CodeActionKind.SourceFixAll.append(SECTION);
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, PurgePatternFixes.fixAllKind],
  };

  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
    private readonly known?: KnownUrls,
  ) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
    token?: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const entry = this.index.get(doc);
    if (!entry) return [];
    const actions: vscode.CodeAction[] = [];
    const only = context.only;
    const quickFix = vscode.CodeActionKind.QuickFix;
    if (only && !only.contains(quickFix) && !quickFix.contains(only)) {
      // Source actions (on save, or "Fix All" of the palette): the one fix-all action, nothing else.
      const fixAll = PurgePatternFixes.fixAllKind;
      const edit =
        only.contains(fixAll) || fixAll.contains(only) ? fixAllEdit(doc, entry.findings, this.settings) : undefined;
      if (edit) {
        const a = new vscode.CodeAction(vscode.l10n.t('Fix all CDN Purge problems that have a fix'), fixAll);
        a.edit = edit;
        actions.push(a);
      }
      return actions;
    }

    const overrides = levelOverrides(this.settings);
    const text = doc.getText();
    let known: Promise<{ document: string[]; workspace: string[] }> | undefined;
    const disableOffered = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const code = diagnosticCode(diagnostic);
      if (code === undefined) continue;
      // The finding of the same problem on the URL the diagnostic starts in.
      const at = doc.offsetAt(diagnostic.range.start);
      const finding = entry.findings.find((f) => f.problem.code === code && f.urlStart <= at && at <= f.urlEnd);
      if (!finding) continue;
      const urlRange = new vscode.Range(doc.positionAt(finding.urlStart), doc.positionAt(finding.urlEnd));
      const replace = (title: string, replacement: string, preferred = false) => {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = preferred;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, urlRange, replacement);
        actions.push(action);
      };
      for (const fix of finding.problem.fixes ?? []) replace(fix.title, fix.replacement, fix.preferred === true);

      if (NARROWABLE.has(code)) {
        known ??= this.known?.collect(doc, token) ?? Promise.resolve({ document: [], workspace: [] });
        const urls = await known;
        const checker = this.settings.checker(finding.provider);
        const inDoc = narrowWildcard(finding.url, urls.document, checker);
        const all = narrowWildcard(finding.url, [...urls.document, ...urls.workspace], checker);
        for (const w of all.wildcards)
          replace(
            w.covers.length === 1
              ? vscode.l10n.t('Narrow to {0} (1 known URL under it)', short(w.pattern))
              : vscode.l10n.t('Narrow to {0} ({1} known URLs under it)', short(w.pattern), w.covers.length),
            w.pattern,
          );
        const sep = listSeparator(text, finding.urlStart);
        if (inDoc.under.length > 0 && inDoc.under.length <= MAX_REPLACEMENT_URLS)
          replace(
            inDoc.under.length === 1
              ? vscode.l10n.t('Replace by the 1 URL under it in this file')
              : vscode.l10n.t('Replace by the {0} URLs under it in this file', inDoc.under.length),
            inDoc.under.join(sep),
          );
        if (all.under.length > inDoc.under.length && all.under.length <= MAX_REPLACEMENT_URLS)
          replace(
            vscode.l10n.t(
              'Replace by the {0} known URLs under it (open files and mapped workspace files)',
              all.under.length,
            ),
            all.under.join(sep),
          );
      }

      if (code === 'not-under-endpoint') {
        const add = await this.addEndpointAction(finding, diagnostic);
        if (add) actions.push(add);
      }

      if (!disableOffered.has(code)) {
        disableOffered.add(code);
        for (const scope of ['line', 'file'] as const) {
          const e = disableCommentEdit(text, at, code as ProblemCode, doc.languageId, scope);
          if (!e) continue;
          const action = new vscode.CodeAction(
            scope === 'line'
              ? vscode.l10n.t('Disable {0} for this line', code)
              : vscode.l10n.t('Disable {0} for the entire file', code),
            vscode.CodeActionKind.QuickFix,
          );
          action.diagnostics = [diagnostic];
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
          actions.push(action);
        }
        const docs = new vscode.CodeAction(
          vscode.l10n.t('Show documentation for {0}', code),
          vscode.CodeActionKind.QuickFix,
        );
        docs.command = {
          title: docs.title,
          command: VsCodeCommand.open,
          arguments: [vscode.Uri.parse(docsUrl(code as ProblemCode))],
        };
        actions.push(docs);
      }
    }

    // Fix all, when more than one problem of the document has a fix applied without asking.
    const fixable = entry.findings.filter(
      (f) => levelOf(f.problem, overrides) !== 'off' && f.problem.fixes?.some((x) => x.preferred),
    );
    if (fixable.length > 1 && context.diagnostics.some((d) => diagnosticCode(d) !== undefined)) {
      const edit = fixAllEdit(doc, entry.findings, this.settings);
      if (edit) {
        const a = new vscode.CodeAction(
          vscode.l10n.t('Fix all {0} CDN Purge problems that have a fix in this file', fixable.length),
          vscode.CodeActionKind.QuickFix,
        );
        a.edit = edit;
        actions.push(a);
      }
    }
    return actions;
  }

  /** "Add <endpoint> to <provider>'s endpoints": in cdn-purge.json when the workspace has one, else the setting. */
  private async addEndpointAction(
    finding: LintFinding,
    diagnostic: vscode.Diagnostic,
  ): Promise<vscode.CodeAction | undefined> {
    const endpoint = endpointFor(finding.url);
    const plugin = providerById(finding.provider);
    if (!endpoint || !plugin) return undefined;
    const project = this.settings.projectConfig;
    if (project?.text !== undefined && project.errors.length === 0) {
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(project.uri);
      } catch {
        return undefined;
      }
      const text = doc.getText();
      const key = plugin.settings.endpointsKey;
      const section = (parseJson(text) as Record<string, Record<string, unknown> | undefined> | undefined)?.[
        plugin.settings.section
      ];
      const written = Array.isArray(section?.[key]) ? (section[key] as unknown[]) : [];
      if (written.includes(endpoint)) return undefined;
      const edits = modify(text, [plugin.settings.section, key], [...written, endpoint], {
        formattingOptions: { insertSpaces: true, tabSize: 2, eol: text.includes('\r\n') ? '\r\n' : '\n' },
      });
      const action = new vscode.CodeAction(
        vscode.l10n.t('Add {0} to {1} in {2}', endpoint, `${plugin.settings.section}.${key}`, PROJECT_CONFIG_FILE),
        vscode.CodeActionKind.QuickFix,
      );
      action.diagnostics = [diagnostic];
      action.edit = new vscode.WorkspaceEdit();
      for (const e of edits)
        action.edit.replace(
          project.uri,
          new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)),
          e.content,
        );
      return action;
    }
    const setting = providerSettings(plugin).endpoints;
    const action = new vscode.CodeAction(
      vscode.l10n.t('Add {0} to the setting {1}', endpoint, settingId(setting.key)),
      vscode.CodeActionKind.QuickFix,
    );
    action.diagnostics = [diagnostic];
    action.command = {
      title: action.title,
      command: InternalCommand.addEndpoint,
      arguments: [plugin.id, endpoint],
    };
    return action;
  }
}
