// The page's script: reads the chart specs embedded as JSON and draws each with uPlot (inlined
// before it). Plain ES2020 with no build step; it avoids backticks and template placeholders so it
// can live in this string as written. Each container gets data-drawn="true" on its first draw, and
// window.__reportReady turns true once every chart has drawn, so tests and tools can wait for it.

export const CHARTS_SCRIPT = String.raw`(function () {
  'use strict';
  var HEIGHT = 240;
  var NO_VALUE = '\u2013';
  var specs = [];
  try {
    specs = JSON.parse(document.getElementById('report-data').textContent || '{}').charts || [];
  } catch (err) {
    console.error('Report data could not be read', err);
  }
  var pending = specs.length;
  var plots = [];

  function finishOne() {
    pending -= 1;
    if (pending <= 0) window.__reportReady = true;
  }

  function fmtNum(v) {
    if (v == null || !isFinite(v)) return NO_VALUE;
    var a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toFixed(1) + 'M';
    if (a >= 1e4) return +(v / 1e3).toFixed(1) + 'k';
    if (a >= 100) return String(Math.round(v));
    if (a >= 10) return String(+v.toFixed(1));
    return String(+v.toFixed(3));
  }

  function fmtInt(v) {
    return v == null ? NO_VALUE : Math.round(v).toLocaleString('en-US');
  }

  // x in nines: 0 -> 0%, 1 -> 90%, 2 -> 99%, ...
  function ninesLabel(x) {
    var pct = (1 - Math.pow(10, -x)) * 100;
    return String(+pct.toFixed(Math.max(1, Math.ceil(x)))) + '%';
  }

  function widthOf(el) {
    return Math.max(240, el.clientWidth || (el.parentElement && el.parentElement.clientWidth) || 600);
  }

  function zeroToMax(u, min, max) {
    return max == null || !isFinite(max) || max <= 0 ? [0, 1] : [0, max * 1.08];
  }

  function yAxis(label) {
    return { label: label, size: 60, values: function (u, splits) { return splits.map(fmtNum); } };
  }

  function line(s, unit) {
    return {
      label: s.label,
      stroke: s.color,
      width: 1.5,
      value: function (u, v) { return v == null ? NO_VALUE : fmtNum(v) + ' ' + unit; },
    };
  }

  // Labels at 1, 2 and 5 times a power of ten when a decade is wide enough, else at powers of
  // ten only; the other grid lines stay unlabelled.
  function logLabels(u, splits) {
    var decadePx = Math.abs(u.valToPos(10, 'x') - u.valToPos(1, 'x'));
    return splits.map(function (v) {
      if (v == null || v <= 0) return '';
      var m = Math.round((v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9))) * 100) / 100;
      return m === 1 || (decadePx >= 90 && (m === 2 || m === 5)) ? fmtNum(v) : '';
    });
  }

  function allSplits(u, splits) {
    return splits;
  }

  function timeChart(spec) {
    return {
      opts: {
        // Room on the right for the last tick label (uPlot centres it on the plot's edge).
        padding: [null, 28, null, null],
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'UTC'); },
        scales: {
          // uPlot widens a lone point to 1000 days; half a minute each side reads better.
          x: { time: true, range: function (u, min, max) { return spec.x.length === 1 ? [spec.x[0] - 30, spec.x[0] + 30] : [min, max]; } },
          y: { range: zeroToMax },
        },
        series: [{ label: 'Time (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}' }].concat(
          spec.series.map(function (s) { return line(s, spec.unit); })
        ),
        axes: [{}, yAxis(spec.unit)],
      },
      data: [spec.x].concat(spec.series.map(function (s) { return s.values; })),
    };
  }

  function histogramChart(spec) {
    var last = spec.hi.length - 1;
    // Bars sit at the geometric middle of their bin, which is the middle on a log axis.
    var mids = spec.lo.map(function (lo, i) { return Math.sqrt(Math.max(lo, 1e-9) * spec.hi[i]); });
    var maxCount = Math.max.apply(null, spec.counts.concat([0]));
    return {
      opts: {
        padding: [null, 28, null, null],
        // Fixed extents (bin edges), so no drag-to-zoom here.
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, distr: 3, log: 10, range: function () { return [Math.max(spec.lo[0], 1e-9), spec.hi[last]]; } },
          y: { range: function () { return [0, maxCount > 0 ? maxCount * 1.08 : 1]; } },
        },
        series: [
          {
            label: 'Bin',
            value: function (u, v, si, idx) {
              return idx == null ? NO_VALUE : fmtNum(spec.lo[idx]) + '\u2013' + fmtNum(spec.hi[idx]) + ' ms';
            },
          },
          {
            label: 'Count',
            stroke: spec.color,
            fill: spec.color + 'aa',
            width: 1,
            points: { show: false },
            paths: uPlot.paths.bars({ size: [0.9, Infinity, 1], align: 0 }),
            value: function (u, v, si, idx) { return idx == null ? NO_VALUE : fmtInt(spec.counts[idx]); },
          },
        ],
        axes: [{ label: 'ms', space: 24, filter: allSplits, values: logLabels }, yAxis('count')],
      },
      // Empty bins are left out rather than drawn as a flat stroke on the axis.
      data: [mids, spec.counts.map(function (c) { return c > 0 ? c : null; })],
    };
  }

  function spectrumChart(spec) {
    var ticks = [0, 1, 2, 3, 4, 5];
    return {
      opts: {
        // Room on the right for the last tick label, 99.999%.
        padding: [null, 28, null, null],
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: [0, 5] }, y: { range: zeroToMax } },
        series: [{ label: 'Percentile', value: function (u, v) { return v == null ? NO_VALUE : ninesLabel(v); } }].concat(
          spec.series.map(function (s) { return line(s, 'ms'); })
        ),
        axes: [
          { label: 'percentile', splits: function () { return ticks; }, values: function (u, splits) { return splits.map(ninesLabel); } },
          yAxis('ms'),
        ],
      },
      data: [spec.x].concat(spec.series.map(function (s) { return s.values; })),
    };
  }

  var BUILDERS = { time: timeChart, histogram: histogramChart, spectrum: spectrumChart };

  function draw(spec) {
    var el = document.querySelector('[data-chart="' + CSS.escape(String(spec.id)) + '"]');
    if (!el) {
      finishOne();
      return;
    }
    try {
      var build = BUILDERS[spec.kind];
      if (!build) throw new Error('unknown chart kind ' + spec.kind);
      var chart = build(spec);
      var opts = chart.opts;
      opts.width = widthOf(el);
      opts.height = HEIGHT;
      opts.hooks = {
        draw: [function () {
          if (el.getAttribute('data-drawn') === 'true') return;
          el.setAttribute('data-drawn', 'true');
          finishOne();
        }],
      };
      plots.push({ el: el, plot: new uPlot(opts, chart.data, el) });
      // The canvas alone says nothing to a screen reader.
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', String(spec.title || ''));
    } catch (err) {
      el.textContent = 'This chart could not be drawn.';
      el.setAttribute('data-drawn', 'error');
      console.error('Chart ' + spec.id + ' failed', err);
      finishOne();
    }
  }

  if (pending === 0) window.__reportReady = true;
  specs.forEach(draw);

  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: widthOf(p.el), height: HEIGHT }); });
    }, 100);
  });
})();
`;
