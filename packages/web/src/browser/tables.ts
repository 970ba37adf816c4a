import type { ExceptionsReport, StatsReport, TaskRatios } from './api.ts';
import { $ } from './dom.ts';
import type { Column } from './fill-table.ts';
import { fillTable } from './fill-table.ts';
import { esc, round } from './text.ts';

// The Failures, Exceptions, Workers and Current ratio tabs.

const FAILURE_CELLS: Column[] = [{ cls: 'num' }, {}, { cls: 'name' }, { pre: true }];
export function renderFailures(report: StatsReport | null): void {
  const errors = (report && report.errors) || [];
  fillTable(
    $<HTMLTableElement>('failures-table').tBodies[0]!,
    FAILURE_CELLS,
    errors.map((e) => [String(e.occurrences), e.method, e.name, e.error]),
    [],
    'No failures',
  );
  const omitted = (report && report.omitted_errors) || 0;
  $('failures-note').textContent = omitted ? `\u2026 and ${omitted} more failures (only the 500 most frequent are listed; the failures CSV has every one).` : '';
}

const EXCEPTION_CELLS: Column[] = [{ cls: 'num' }, { pre: true }, { pre: true }, {}];
export function renderExceptions(exceptions: ExceptionsReport['exceptions']): void {
  fillTable(
    $<HTMLTableElement>('exceptions-table').tBodies[0]!,
    EXCEPTION_CELLS,
    exceptions.map((e) => [String(e.count), e.msg, e.traceback, e.nodes]),
    [],
    'No exceptions',
  );
}

const WORKER_CELLS: Column[] = [{}, {}, { cls: 'num' }, { cls: 'num' }, { cls: 'num' }];
export function renderWorkers(report: StatsReport | null): void {
  const workers = (report && report.workers) || [];
  fillTable(
    $<HTMLTableElement>('workers-table').tBodies[0]!,
    WORKER_CELLS,
    workers.map((w) => [w.id, w.state, String(w.user_count), `${round(w.cpu_usage, 1)} %`, `${round(w.memory_usage / 1048576, 1)} MB`]),
    [],
    'No workers connected',
  );
}

/** Nested lists of the classes' (and their tasks') shares, as escaped markup. */
export function ratioList(tree: TaskRatios | undefined): string {
  const names = Object.keys(tree || {});
  if (!names.length) return '<p class="note">No users running</p>';
  return `<ul>${names
    .map((n) => {
      const node = tree![n]!;
      return `<li><span class="pct">${esc(round(node.ratio * 100, 1))}%</span> ${esc(n)}${node.tasks ? ratioList(node.tasks) : ''}</li>`;
    })
    .join('')}</ul>`;
}
