import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { formatJunit } from './junit-report.ts';

const XSD = fileURLToPath(new URL('../../../test/fixtures/jenkins-junit.xsd', import.meta.url));
const RUN = { startTime: 1_700_000_000.5, seconds: 12.3456, hostname: 'h<1>', properties: [['host', 'http://x/?a=1&b="2"']] as const };

describe('formatJunit', () => {
  it('escapes names and messages (quotes, <, &, control characters) and stays valid against the JUnit schema', () => {
    const xml = formatJunit(
      [
        { suite: 'SLOs', name: 'GET /a?b=1&c="d":p99<100', pass: false, value: '812 ms', bound: '< 100 ms', message: "SLO x failed: it's <bad>\u0001" },
        { suite: 'SLOs', name: 'rps>1', pass: true, value: '5.00/s', bound: '> 1/s', message: '' },
        { suite: 'Steps', name: 'step 1: 2 users', pass: true, value: 'p99<100: 50.0 ms', bound: 'p99<100', message: '' },
      ],
      { ...RUN, properties: [...RUN.properties] },
    );
    expect(xml).toContain('<testsuites name="locusta" tests="3" failures="1" errors="0" time="12.346">');
    expect(xml).toContain('<testsuite name="SLOs" tests="2" failures="1" errors="0" skipped="0" time="12.346" timestamp="2023-11-14T22:13:20" hostname="h&lt;1&gt;" id="0" package="locusta">');
    expect(xml).toContain('<testcase name="GET /a?b=1&amp;c=&quot;d&quot;:p99&lt;100" classname="locusta.slos" time="0">');
    expect(xml).toContain('<failure message="SLO x failed: it&apos;s &lt;bad&gt;\ufffd" type="SLOs">');
    expect(xml).toContain('<system-out>measured: 5.00/s\nbound: &gt; 1/s</system-out>');
    expect(xml).toContain('<testsuite name="Steps" tests="1" failures="0"');
    const file = join(tempDir(), 'junit.xml');
    writeFileSync(file, xml);
    // Throws with xmllint's complaint when the file does not validate.
    expect(execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()).toBe('');
  });

  it('writes an empty report for a run without verdicts', () => {
    expect(formatJunit([], { ...RUN, properties: [] })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="locusta" tests="0" failures="0" errors="0" time="12.346">\n</testsuites>\n',
    );
  });
});
