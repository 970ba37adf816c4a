export { uplotAssets } from './assets.ts';
export type { UplotAssets } from './assets.ts';
export { browserScript, writeBrowserBundle } from './browser-script.ts';
export { escapeHtml, jsonForScript } from './escape.ts';
export { DEFAULT_TITLE, renderHtmlReport } from './render.ts';
export { stepsTable } from './sections.ts';
export { sweepChartSvg, sweepSection } from './sweep-section.ts';
export type { ReportSweep, SweepChart, SweepSeries } from './sweep-section.ts';
export type {
  ReportCorrected,
  ReportData,
  ReportEntry,
  ReportException,
  ReportExtraSection,
  ReportFailure,
  ReportHistoryRow,
  ReportLag,
  ReportSaturation,
  ReportSlo,
  ReportStep,
  ReportTimeChart,
} from './report-data.ts';
