import { describe, expect, it } from 'vitest';
import { sweepChartSvg, sweepSection } from './sweep-section.ts';

describe('the rate sweep section', () => {
  it('draws each series against the offered rate, skipping points without a value', () => {
    const svg = sweepChartSvg({ title: 'Latency <ms>', yLabel: 'ms', series: [{ name: 'p99 & more', values: [[10, 50], [20, null], [30, 400]] }] });
    expect(svg).toContain('aria-label="Latency &lt;ms&gt;"');
    expect(svg).toContain('p99 &amp; more');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toMatch(/<polyline [^>]*points="[\d., ]+"/);
    expect(sweepChartSvg({ title: 'Empty', yLabel: 'ms', series: [{ name: 'x', values: [[10, null]] }] })).toContain('Empty: no values.');
  });

  it('leads with the knee line and lists the points, escaped', () => {
    const html = sweepSection({ knee: 'Knee: ~5 req/s <here>', columns: ['Point', 'Kind'], rows: [[1, '<synchronous>'], [2, null]], charts: [] });
    expect(html.startsWith('<p class="knee"><strong>Knee: ~5 req/s &lt;here&gt;</strong></p>')).toBe(true);
    expect(html).toContain('&lt;synchronous&gt;');
    expect(html).toContain('<td>–</td>');
    expect(sweepSection({ knee: 'Knee: not found', columns: [], rows: [], charts: [] })).toContain('No sweep point was run.');
  });
});
