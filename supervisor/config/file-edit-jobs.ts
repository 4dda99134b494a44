// Edits of a config file's text through the API, as jobs with plain-data inputs and results: the
// file is parsed as a YAML document, edited, printed and (for an ACL) loaded again to check it,
// which costs time in proportion to the whole file (an ACL of 25,000 rules is a megabyte), so the
// work runs on the config-check thread and the supervisor's event loop only reads and writes.
import type { Document } from 'yaml';
import { MAX_CONFIG_FILE_BYTES } from '../../shared/config/document-limits.js';
import type { ConfigIssue } from '../../shared/config/errors.js';
import { checkGlobalValue, parseGlobalConfig, type GlobalParseResult } from '../../shared/config/load-global.js';
import { checkProxyValue, parseProxyConfig, type ProxyParseResult } from '../../shared/config/load-proxy.js';
import type { AclConfig, AclRule, GlobalConfig } from '../../shared/config/resolved-types.js';
import { aclRuleCount, insertAclRule, removeAclRules, replaceAclRules, setAclSettings, type AclSettings } from './acl-yaml-edit.js';
import { syncDocument } from './yaml-document-sync.js';
import { editDocumentText, UneditableFileError } from './yaml-file-writer.js';
import { editSectionText, type EditedText } from './yaml-section-writer.js';

/** A change of a proxy file as a whole: its `enabled` key, or every value (comments kept where values stay). */
export type DocumentEdit = { op: 'set-enabled'; enabled: boolean } | { op: 'replace'; value: Record<string, unknown> };

/** A change of the `acl:` section of global.yaml or a proxy file. */
export type AclEdit =
  | { op: 'settings'; settings: AclSettings }
  | { op: 'insert'; rule: AclRule; position?: number }
  | { op: 'remove'; canonicalCidr: string }
  | { op: 'replace'; rules: AclRule[] };

export type FileEditJob =
  | { kind: 'document-edit'; file: string; text: string; edit: DocumentEdit }
  /** `global` is given for a proxy file (checked against it), absent for global.yaml. */
  | { kind: 'acl-edit'; file: string; text: string; edit: AclEdit; global?: GlobalConfig };

/** `uneditable`: the file is no YAML mapping within the document limits. */
export type DocumentEditResult = { outcome: 'edited'; text: string } | { outcome: 'uneditable'; issues: ConfigIssue[] };

export type AclEditResult =
  | { outcome: 'edited'; text: string; acl: AclConfig; index: number; removed: number }
  | { outcome: 'unchanged' }
  | { outcome: 'uneditable'; issues: ConfigIssue[] }
  /** The insert's position is past the end of the list of `count` rules. */
  | { outcome: 'bad-position'; count: number }
  /** The edited file does not load: its problems (the file's own, usually). */
  | { outcome: 'invalid'; issues: ConfigIssue[] }
  /** The edited file would be larger than a config file may be (it would not load). */
  | { outcome: 'too-large'; bytes: number };

export interface FileEditResults {
  'document-edit': DocumentEditResult;
  'acl-edit': AclEditResult;
}

export function runDocumentEdit(job: Extract<FileEditJob, { kind: 'document-edit' }>): DocumentEditResult {
  const { edit } = job;
  try {
    const text = editDocumentText(job.text, job.file, (doc) => {
      if (edit.op === 'set-enabled') doc.set('enabled', edit.enabled);
      else syncDocument(doc, edit.value);
    });
    return { outcome: 'edited', text };
  } catch (error) {
    if (error instanceof UneditableFileError) return { outcome: 'uneditable', issues: error.issues };
    throw error;
  }
}

/** Ends an ACL edit early with this result; nothing is printed or checked. */
class Refusal {
  constructor(readonly result: AclEditResult) {}
}

function applyAclEdit(doc: Document, edit: AclEdit): { index: number; removed: number } {
  switch (edit.op) {
    case 'settings':
      setAclSettings(doc, edit.settings);
      return { index: 0, removed: 0 };
    case 'replace':
      replaceAclRules(doc, edit.rules);
      return { index: 0, removed: 0 };
    case 'remove': {
      const removed = removeAclRules(doc, edit.canonicalCidr);
      if (removed === 0) throw new Refusal({ outcome: 'unchanged' });
      return { index: 0, removed };
    }
    case 'insert': {
      const count = aclRuleCount(doc);
      if (edit.position !== undefined && edit.position > count) throw new Refusal({ outcome: 'bad-position', count });
      return { index: insertAclRule(doc, edit.rule, edit.position), removed: 0 };
    }
  }
}

/** The edited file loaded like the file itself: global.yaml, or a proxy file against `global`. */
function loadEdited(edited: EditedText, file: string, global: GlobalConfig | undefined): GlobalParseResult | ProxyParseResult {
  if (global === undefined) return edited.value === undefined ? parseGlobalConfig(edited.text, file) : checkGlobalValue(edited.value, file);
  return edited.value === undefined ? parseProxyConfig(edited.text, file, global) : checkProxyValue(edited.value, file, global);
}

export function runAclEdit(job: Extract<FileEditJob, { kind: 'acl-edit' }>): AclEditResult {
  let done = { index: 0, removed: 0 };
  let edited: EditedText;
  try {
    edited = editSectionText(job.text, job.file, 'acl', (doc) => {
      done = applyAclEdit(doc, job.edit);
    });
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    if (error instanceof UneditableFileError) return { outcome: 'uneditable', issues: error.issues };
    throw error;
  }
  const bytes = Buffer.byteLength(edited.text);
  if (bytes > MAX_CONFIG_FILE_BYTES) return { outcome: 'too-large', bytes };
  const loaded = loadEdited(edited, job.file, job.global);
  if (loaded.config === undefined || loaded.issues.length > 0) return { outcome: 'invalid', issues: loaded.issues };
  return { outcome: 'edited', text: edited.text, acl: loaded.config.acl, ...done };
}
