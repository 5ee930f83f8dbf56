// Owns turning manifest text into a validated Manifest: YAML with positions, then validate.ts.
// Loaded only when the memo cannot answer (see load.ts), so a no-op build never loads `yaml`.
import { LineCounter, parseDocument } from 'yaml';
import { validateManifest, type ValidateResult } from './validate.js';

export function parseManifest(options: { file: string; displayFile: string; source: string }): ValidateResult {
  const lines = new LineCounter();
  // Merge keys (`<<: *base`) as PyYAML, juniper's parser, reads them; resolve-yaml.ts applies them.
  const doc = parseDocument(options.source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  return validateManifest({ file: options.file, displayFile: options.displayFile, doc, lines });
}
