import type { OutputVerdict } from '@locusta/core';

/** What the report says of the run besides its verdicts. */
export interface JunitRun {
  /** Unix seconds at which the statistics started. */
  startTime: number;
  /** Seconds the test ran. */
  seconds: number;
  hostname: string;
  /** Shown as each suite's properties: the target, why the run stopped. */
  properties: ReadonlyArray<readonly [string, string]>;
}

// XML 1.0 allows tab, newline, carriage return and the characters from U+0020 on, less the
// surrogates and U+FFFE/U+FFFF; anything else (a control byte in an entry name) becomes U+FFFD.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Element text: line breaks kept as they are. */
function text(value: string): string {
  return value.replace(NOT_XML, '\ufffd').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An attribute value. */
function xml(value: string): string {
  return text(value)
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    // Kept as characters in attributes: a parser would fold a raw newline into a space.
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;');
}

/** ISO 8601 without a zone, in UTC: the form the Ant schema's xs:dateTime takes. */
function timestamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19);
}

/**
 * The run's verdicts as JUnit XML (the Ant / Jenkins schema that GitLab, Jenkins and GitHub
 * reporters read): a test suite per verdict suite (`SLOs`, `Steps`, `Goodput`, a family's own),
 * a test case per verdict. A failed case's failure message names the measured value and the
 * bound; a passed one shows them in its system-out.
 */
export function formatJunit(verdicts: readonly OutputVerdict[], run: JunitRun): string {
  const suites = new Map<string, OutputVerdict[]>();
  for (const v of verdicts) suites.set(v.suite, [...(suites.get(v.suite) ?? []), v]);
  const failures = verdicts.filter((v) => !v.pass).length;
  const time = run.seconds.toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="locusta" tests="${verdicts.length}" failures="${failures}" errors="0" time="${time}">`,
  ];
  let id = 0;
  for (const [suite, cases] of suites) {
    const failed = cases.filter((v) => !v.pass).length;
    lines.push(
      `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="${time}" ` +
        `timestamp="${timestamp(run.startTime)}" hostname="${xml(run.hostname)}" id="${id++}" package="locusta">`,
    );
    if (run.properties.length > 0) {
      lines.push('    <properties>');
      for (const [name, value] of run.properties) lines.push(`      <property name="${xml(name)}" value="${xml(value)}"/>`);
      lines.push('    </properties>');
    }
    const classname = `locusta.${suite.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
    for (const v of cases) {
      const detail = `measured: ${v.value}\nbound: ${v.bound}`;
      lines.push(`    <testcase name="${xml(v.name)}" classname="${xml(classname)}" time="0">`);
      if (v.pass) lines.push(`      <system-out>${text(detail)}</system-out>`);
      else lines.push(`      <failure message="${xml(v.message)}" type="${xml(suite)}">${text(`${v.message}\n${detail}`)}</failure>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** What `--json-file NAME` writes to `NAME_verdicts.json`: every verdict, and whether all passed. */
export function verdictsJson(verdicts: readonly OutputVerdict[]): { passed: boolean; verdicts: readonly OutputVerdict[] } {
  return { passed: verdicts.every((v) => v.pass), verdicts };
}
