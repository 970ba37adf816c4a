import type { Dispatcher } from 'undici';
import { Client } from 'undici';

/** Connections a user may open to one origin at once, as requests' default pool size. */
export const MAX_CONNECTIONS_PER_ORIGIN = 10;

interface Connection {
  readonly client: Client;
  inFlight: number;
}

/**
 * A user's keep-alive connections (the pool of Locust's per-user session): per origin one
 * undici Client, and more only while the user has several requests in flight there at once.
 * Plain Clients rather than an Agent: an undici Pool preallocates a 2,048-slot queue, which
 * tripled the memory of an idle user (about 34 KB against 11 KB with a Client, measured at
 * 10,000 users) and capacity for thousands of users per process matters more here than a
 * queue no single user fills.
 */
export class UserConnections {
  readonly #byOrigin = new Map<string, Connection[]>();

  /** Sends a request on an idle connection to its origin, opening one if all are busy. */
  async dispatch<T>(options: Dispatcher.DispatchOptions, send: (client: Dispatcher) => Promise<T>): Promise<T> {
    const conn = this.#pick(String(options.origin));
    conn.inFlight++;
    try {
      return await send(conn.client);
    } finally {
      conn.inFlight--;
    }
  }

  #pick(origin: string): Connection {
    let list = this.#byOrigin.get(origin);
    if (!list) {
      list = [];
      this.#byOrigin.set(origin, list);
    }
    let least: Connection | undefined;
    for (const conn of list) {
      if (conn.inFlight === 0) return conn;
      if (!least || conn.inFlight < least.inFlight) least = conn;
    }
    if (list.length < MAX_CONNECTIONS_PER_ORIGIN || !least) {
      const conn: Connection = { client: new Client(origin), inFlight: 0 };
      list.push(conn);
      return conn;
    }
    return least;
  }

  /** Closes every connection once idle, or destroys them at once (aborting requests) when `force`. */
  close(force: boolean): Promise<unknown> {
    const clients = [...this.#byOrigin.values()].flat().map((c) => c.client);
    this.#byOrigin.clear();
    return Promise.all(clients.map((c) => (force ? c.destroy() : c.close())));
  }
}
