import { afterEach, describe, expect, it } from 'vitest';
import { StopTest, StopUser } from './errors.ts';
import { EventHook } from './event-hook.ts';

const originalOnError = EventHook.onListenerError;

/** Listener errors reported while the test runs, with the hook's name. */
function reportedErrors(): Array<{ message: string; hook: string }> {
  const seen: Array<{ message: string; hook: string }> = [];
  EventHook.onListenerError = (err, hook) => seen.push({ message: (err as Error).message, hook });
  return seen;
}

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

afterEach(() => {
  EventHook.onListenerError = originalOnError;
});

describe('EventHook listeners', () => {
  it('calls every listener with the argument, in the order they were added, or reversed', () => {
    const hook = new EventHook<number>('test');
    const calls: string[] = [];
    hook.addListener((n) => calls.push(`a${n}`));
    hook.addListener((n) => calls.push(`b${n}`));
    hook.fire(1);
    hook.fire(2, { reverse: true });
    expect(calls).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('returns the listener it adds, so it can be removed', () => {
    const hook = new EventHook<void>('test');
    const calls: string[] = [];
    const a = hook.addListener(() => calls.push('a'));
    hook.addListener(() => calls.push('b'));
    expect(hook.listenerCount).toBe(2);
    hook.removeListener(a);
    expect(hook.listenerCount).toBe(1);
    hook.fire();
    expect(calls).toEqual(['b']);
  });

  it('fires the listeners it had when firing began: one added or removed meanwhile counts from the next fire', () => {
    const hook = new EventHook<void>('test');
    const calls: string[] = [];
    const late = () => calls.push('late');
    const b = () => calls.push('b');
    hook.addListener(() => {
      calls.push('a');
      hook.addListener(late);
      hook.removeListener(b);
    });
    hook.addListener(b);
    hook.fire();
    expect(calls).toEqual(['a', 'b']);
    calls.length = 0;
    hook.removeListener(late);
    hook.fire();
    expect(calls).toEqual(['a']);
  });
});

describe('EventHook errors', () => {
  it('reports a listener that throws, with the hook name, and goes on with the others', () => {
    const errors = reportedErrors();
    const hook = new EventHook<void>('testStart');
    const calls: string[] = [];
    hook.addListener(() => {
      throw new Error('first');
    });
    hook.addListener(() => calls.push('second'));
    expect(() => hook.fire()).not.toThrow();
    expect(calls).toEqual(['second']);
    expect(errors).toEqual([{ message: 'first', hook: 'testStart' }]);
  });

  it('reports an async listener that rejects, without waiting for it', async () => {
    const errors = reportedErrors();
    const hook = new EventHook<void>('request');
    const { promise, open } = gate();
    hook.addListener(async () => {
      await promise;
      throw new Error('later');
    });
    hook.fire();
    expect(errors).toEqual([]);
    open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([{ message: 'later', hook: 'request' }]);
  });

  it('lets control-flow signals through, and stops there', () => {
    const errors = reportedErrors();
    const hook = new EventHook<void>('test');
    const calls: string[] = [];
    hook.addListener(() => {
      throw new StopUser();
    });
    hook.addListener(() => calls.push('after'));
    expect(() => hook.fire()).toThrow(StopUser);
    expect(calls).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('EventHook.fireAsync', () => {
  it('awaits each listener before calling the next, in order or reversed', async () => {
    const hook = new EventHook<void>('test');
    const calls: string[] = [];
    const first = gate();
    hook.addListener(async () => {
      calls.push('a start');
      await first.promise;
      calls.push('a end');
    });
    hook.addListener(() => calls.push('b'));
    const done = hook.fireAsync();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['a start']);
    first.open();
    await done;
    expect(calls).toEqual(['a start', 'a end', 'b']);
    calls.length = 0;
    await hook.fireAsync(undefined, { reverse: true });
    expect(calls).toEqual(['b', 'a start', 'a end']);
  });

  it('reports a listener that rejects and goes on; a control-flow signal rejects the fire', async () => {
    const errors = reportedErrors();
    const hook = new EventHook<void>('quitting');
    const calls: string[] = [];
    hook.addListener(async () => {
      throw new Error('broken');
    });
    hook.addListener(() => calls.push('next'));
    await hook.fireAsync();
    expect(calls).toEqual(['next']);
    expect(errors).toEqual([{ message: 'broken', hook: 'quitting' }]);

    hook.addListener(async () => {
      throw new StopTest();
    });
    await expect(hook.fireAsync()).rejects.toBeInstanceOf(StopTest);
  });
});
