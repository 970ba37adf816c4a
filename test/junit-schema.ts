import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.ts';

/** The JUnit schema Jenkins reads (the Ant junit-4 format): GitLab and GitHub reporters read the same. */
const JUNIT_XSD = join(ROOT, 'test/fixtures/jenkins-junit.xsd');

/**
 * Validates a JUnit XML file against the schema with libxml2's xmllint (Debian's libxml2-utils,
 * installed by .ci/run); returns xmllint's complaint, or '' when the file validates.
 */
export function junitSchemaErrors(file: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('xmllint not found: install libxml2-utils (apt-get install libxml2-utils), as .ci/run does', { cause: err });
    return e.stderr?.toString() ?? String(err);
  }
}
