import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uplotAssets } from './assets.ts';
import { renderHtmlReport } from './render.ts';
import type { ReportData, ReportEntry } from './report-data.ts';

const PAYLOAD = '</script><img src=x onerror=alert(1)>';

function entry(method: string, name: string, numRequests = 100): ReportEntry {
  return {
    method,
    name,
    numRequests,
    numFailures: numRequests > 0 ? 1 : 0,
    avg: numRequests > 0 ? 42 : 0,
    min: numRequests > 0 ? 3 : null,
    max: numRequests > 0 ? 900 : 0,
    median: numRequests > 0 ? 40 : 0,
    rps: numRequests / 10,
    failPerSec: 0.1,
    avgContentLength: 512,
    percentiles: numRequests > 0 ? [[0.5, 40], [0.95, 300], [0.99, 800], [1, 900]] : [],
    histogram: numRequests > 0 ? [[3, 1], [40, numRequests - 3], [300, 1], [900, 1]] : [],
  };
}

function emptyData(): ReportData {
  return { host: '', userFiles: [], startTime: 1_700_000_000, endTime: 1_700_000_000, history: [], entries: [], failures: [], exceptions: [] };
}

function fullData(): ReportData {
  return {
    title: `Shop ${PAYLOAD}`,
    host: `https://target.test/${PAYLOAD}`,
    userFiles: [`users/${PAYLOAD}.ts`],
    command: `locusta -f ${PAYLOAD}`,
    startTime: 1_700_000_000,
    endTime: 1_700_000_010,
    history: Array.from({ length: 10 }, (_, i) => ({ time: 1_700_000_000 + i, users: i, rps: i * 2, failPerSec: 0, p50: 40, p95: 300, p99: i === 0 ? null : 800 })),
    entries: [entry('GET', '/'), entry('POST', PAYLOAD), entry('', 'Aggregated', 200)],
    failures: [{ method: 'POST', name: PAYLOAD, error: `HTTPError(${PAYLOAD})`, occurrences: 2 }],
    exceptions: [{ count: 1, message: PAYLOAD, traceback: `at <anonymous>\n${PAYLOAD}`, nodes: PAYLOAD }],
    slos: [
      { expression: `p95 < 500 ${PAYLOAD}`, value: 300, pass: true },
      { expression: 'error_rate < 0.1%', value: null, pass: false },
    ],
    steps: [{ users: 10, rps: 20, p50: 40, p95: 300, p99: 800, failRatio: 0.01, pass: true }],
    saturation: { users: null, slo: PAYLOAD },
    corrected: {
      entries: [entry('GET', '/'), entry('POST', PAYLOAD), entry('', 'Aggregated', 200)],
      lag: { percentiles: [[0.5, 1], [0.99, 20]], histogram: [[1, 150], [20, 50]], max: 20, count: 200 },
    },
    extraSections: [{ title: `Tokens ${PAYLOAD}`, html: '<table class="tokens"><tr><td>42</td></tr></table>' }],
  };
}

function embeddedJson(html: string): { charts: Array<{ id: string; kind: string; title: string }> } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

function chartIds(html: string): string[] {
  return [...html.matchAll(/<div class="plot" data-chart="([^"]*)"/g)].map((m) => m[1]!);
}

describe('renderHtmlReport', () => {
  it('never writes text from the data raw', () => {
    const html = renderHtmlReport(fullData());
    expect(html).not.toContain(PAYLOAD);
    expect(html).not.toMatch(/<img/i);
    // Only the report's own three script elements open and close.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script>/gi)).toHaveLength(3);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>Shop &lt;/script&gt;');
  });

  it('embeds the chart data as JSON that parses back, one spec per chart container', () => {
    const html = renderHtmlReport(fullData());
    const { charts } = embeddedJson(html);
    expect(charts.map((c) => c.id)).toEqual(chartIds(html));
    // 3 over time, Aggregated + 2 requests x (histogram, spectrum), 2 for the start lag.
    expect(charts).toHaveLength(3 + 3 * 2 + 2);
    expect(charts.map((c) => c.title)).toContain(`Response time histogram of POST ${PAYLOAD}`);
    expect(html).toContain('POST \\u003c/script\\u003e\\u003cimg');
  });

  it('loads nothing from elsewhere', () => {
    const html = renderHtmlReport(fullData());
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).toContain(uplotAssets().js);
    expect(html).toContain(uplotAssets().css);
  });

  it('allows only its own scripts by hash', () => {
    const html = renderHtmlReport(fullData());
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!.replaceAll('&#39;', "'");
    expect(csp).toContain("default-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const source of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(source).digest('base64')}'`);
  });

  it('has every section, the verdicts coloured and the extra sections as given', () => {
    const html = renderHtmlReport(fullData());
    for (const id of ['summary', 'requests', 'percentiles', 'charts', 'distribution', 'failures', 'exceptions', 'slos', 'steps', 'corrected', 'extra-1']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(html).toContain('<span class="verdict pass">PASS</span>');
    expect(html).toContain('<span class="verdict fail">FAIL</span>');
    expect(html).toContain('held at every step');
    expect(html).toContain('<table class="tokens"><tr><td>42</td></tr></table>');
    expect(html).toContain('<h2>Tokens &lt;/script&gt;');
  });

  it('shows a banner above the summary, escaped, and marks the client-limited steps', () => {
    const data = fullData();
    data.extraSections = [{ title: 'Client health', html: '<p>x</p>', banner: `Client was the bottleneck ${PAYLOAD}` }];
    data.steps = [
      { users: 10, rps: 20, p50: 40, p95: 300, p99: 800, failRatio: 0, pass: true },
      { users: 20, rps: 30, p50: 90, p95: 900, p99: 2000, failRatio: 0, pass: false, clientLimited: true },
    ];
    const html = renderHtmlReport(data);
    const banner = html.indexOf('<div class="banner" role="alert">Client was the bottleneck &lt;/script&gt;');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('<section id="summary">'));
    expect(html.match(/client-limited<\/span>/g)).toHaveLength(1);
    expect(renderHtmlReport(fullData())).not.toContain('class="banner"');
  });

  it('renders a run without data, with notes instead of charts', () => {
    const html = renderHtmlReport(emptyData());
    expect(html).toContain('<title>Locusta report</title>');
    expect(chartIds(html)).toEqual([]);
    expect(embeddedJson(html).charts).toEqual([]);
    expect(html).toContain('No data');
    expect(html).not.toContain('<section id="slos">');
    expect(html).not.toContain('<section id="corrected">');
  });

  it('draws no distribution for entries without samples', () => {
    const data = { ...emptyData(), entries: [entry('GET', '/never', 0), entry('', 'Aggregated', 0)] };
    const html = renderHtmlReport(data);
    expect(chartIds(html)).toEqual([]);
    expect(html).toContain('No data: no response times were recorded.');
    expect(html).toContain('/never');
  });

  it('charts Aggregated and the 20 busiest when there are more than 50 requests, and tables them all', () => {
    const requests = Array.from({ length: 60 }, (_, i) => entry('GET', `/page/${i}`, 10 + i));
    const html = renderHtmlReport({ ...emptyData(), entries: [...requests, entry('', 'Aggregated', 5000)] });
    const histograms = chartIds(html).filter((id) => id.startsWith('dist-histogram-'));
    expect(histograms).toHaveLength(21);
    for (let i = 0; i < 60; i++) expect(html).toContain(`/page/${i}<`);
    const charted = [...html.matchAll(/<div class="entry"><h3>([^<]*) <span/g)].map((m) => m[1]);
    expect(charted[0]).toBe('Aggregated');
    expect(charted.slice(1)).toEqual(Array.from({ length: 20 }, (_, i) => `GET /page/${40 + i}`));
  });
});

describe('uplotAssets', () => {
  it('reads uPlot once from the installed package', () => {
    const assets = uplotAssets();
    expect(assets.js).toContain('uPlot');
    expect(assets.css).toContain('.uplot');
    expect(uplotAssets()).toBe(assets);
  });
});

describe('a report of thousands of request names', () => {
  it('lists the 500 busiest entries and failures, says how many more, keeps Aggregated', () => {
    const data = emptyData();
    const requests = Array.from({ length: 2000 }, (_, i) => entry('GET', `/item/${i}`, i + 1));
    data.entries = [...requests, entry('', 'Aggregated', 2_001_000)];
    data.failures = Array.from({ length: 700 }, (_, i) => ({ method: 'GET', name: `/item/${i}`, error: `E${i}`, occurrences: i + 1 }));
    const html = renderHtmlReport(data);
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
    for (const id of ['requests', 'percentiles']) {
      const rows = section(id).match(/<tr[ >]/g) ?? [];
      // header row + 500 entries + Aggregated
      expect(rows.length, id).toBe(502);
      expect(section(id)).toContain('/item/1999<');
      expect(section(id)).not.toContain('/item/1499<');
      expect(section(id)).toContain('Aggregated');
      expect(section(id)).toContain('… and 1,500 more entries (only the 500 with the most requests are listed; every entry is in the --csv files)');
    }
    const failures = section('failures');
    expect((failures.match(/<tr>/g) ?? []).length).toBe(501);
    expect(failures).toContain('… and 200 more failures (only the 500 most frequent are listed; every failure is in the --csv files)');
  });

  it('places verdict sections after the SLOs and the others at the end, numbering those without an id', () => {
    const data: ReportData = {
      ...emptyData(),
      slos: [{ expression: 'p95 < 500', value: 300, pass: true }],
      corrected: { entries: [entry('', 'Aggregated')], lag: { percentiles: [], histogram: [], max: 0, count: 0 } },
      extraSections: [
        { title: 'Tokens', html: '<table class="tokens"></table>' },
        { title: 'Verdicts', html: '<p class="mine">ok</p>', id: 'mine', scroll: false, placement: 'verdicts' },
        { title: 'Tenants', html: '<table class="tenants"></table>' },
      ],
    };
    const html = renderHtmlReport(data);
    const ids = [...html.matchAll(/<section id="([^"]*)">/g)].map((m) => m[1]);
    expect(ids.slice(-5)).toEqual(['slos', 'mine', 'corrected', 'extra-1', 'extra-2']);
    expect(html).toContain('<section id="mine"><h2>Verdicts</h2>\n<p class="mine">ok</p>\n</section>');
    expect(html).toContain('<section id="extra-2"><h2>Tenants</h2>\n<div class="table-wrap extra"><table class="tenants"></table></div>\n</section>');
  });
});
