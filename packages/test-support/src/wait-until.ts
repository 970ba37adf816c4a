/**
 * Resolves once `check` returns true, polling every `intervalMs`; rejects after `timeoutMs`.
 * Tests wait for a state rather than sleeping a guessed time.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms: ${String(check)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
