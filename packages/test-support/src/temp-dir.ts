import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the system's temporary folder, named `locusta-<label>-XXXXXX`. */
export function tempDir(label = 'test'): string {
  return mkdtempSync(join(tmpdir(), `locusta-${label}-`));
}
