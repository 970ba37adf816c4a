/** One row of Locust's exceptions table: unhandled task errors grouped by traceback. */
export interface ExceptionEntry {
  count: number;
  msg: string;
  traceback: string;
  nodes: Set<string>;
}

/** The plain-data form of ExceptionStats sent from workers to the master. */
export interface ExceptionsSnapshot {
  exceptions: Array<{ count: number; msg: string; traceback: string; nodes: string[] }>;
}

/**
 * Unhandled exceptions in tasks (Locust's runner.exceptions). Rows are keyed by the traceback
 * text, keep the first message seen, and collect the ids of the nodes that raised them.
 */
export class ExceptionStats {
  readonly #rows = new Map<string, ExceptionEntry>();

  log(msg: string, traceback: string, nodeId: string): void {
    this.#add(msg, traceback, 1, [nodeId]);
  }

  #add(msg: string, traceback: string, count: number, nodes: Iterable<string>): void {
    let row = this.#rows.get(traceback);
    if (row === undefined) {
      row = { count: 0, msg, traceback, nodes: new Set() };
      this.#rows.set(traceback, row);
    }
    row.count += count;
    for (const node of nodes) row.nodes.add(node);
  }

  /** Rows in the order they were first seen. */
  entries(): ExceptionEntry[] {
    return [...this.#rows.values()];
  }

  get size(): number {
    return this.#rows.size;
  }

  reset(): void {
    this.#rows.clear();
  }

  serialize(): ExceptionsSnapshot {
    return {
      exceptions: this.entries().map((r) => ({
        count: r.count,
        msg: r.msg,
        traceback: r.traceback,
        nodes: [...r.nodes],
      })),
    };
  }

  /** Adds a worker's rows: counts summed, node sets joined. */
  merge(snapshot: ExceptionsSnapshot): void {
    for (const r of snapshot.exceptions) this.#add(r.msg, r.traceback, r.count, r.nodes);
  }
}
