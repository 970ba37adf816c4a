import { isControlFlow } from './errors.ts';

export type Listener<T> = (arg: T) => unknown;

/**
 * A list of listeners fired in order (Locust's EventHook). A listener that throws is reported
 * through `EventHook.onListenerError` and does not stop the others, except control-flow signals
 * (StopUser, StopTest, ...), which propagate as in Locust. Returned promises are not awaited by
 * `fire`; use `fireAsync` where listeners may be async.
 */
export class EventHook<T = void> {
  /** Called with each error a listener throws; the CLI logs it and sets exit code 2. */
  static onListenerError: (err: unknown, hook: string) => void = () => {};

  readonly name: string;
  #listeners: Listener<T>[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** Adds a listener and returns it, so it can be removed later. */
  addListener<F extends Listener<T>>(listener: F): F {
    this.#listeners = [...this.#listeners, listener];
    return listener;
  }

  removeListener(listener: Listener<T>): void {
    this.#listeners = this.#listeners.filter((l) => l !== listener);
  }

  get listenerCount(): number {
    return this.#listeners.length;
  }

  fire(arg: T, options?: { reverse?: boolean }): void {
    const listeners = options?.reverse ? [...this.#listeners].reverse() : this.#listeners;
    for (const listener of listeners) {
      try {
        const out = listener(arg);
        if (out instanceof Promise) out.catch((err: unknown) => this.#report(err));
      } catch (err) {
        if (isControlFlow(err)) throw err;
        this.#report(err);
      }
    }
  }

  /** Fires and awaits each listener in turn. */
  async fireAsync(arg: T, options?: { reverse?: boolean }): Promise<void> {
    const listeners = options?.reverse ? [...this.#listeners].reverse() : this.#listeners;
    for (const listener of listeners) {
      try {
        await listener(arg);
      } catch (err) {
        if (isControlFlow(err)) throw err;
        this.#report(err);
      }
    }
  }

  #report(err: unknown): void {
    EventHook.onListenerError(err, this.name);
  }
}
