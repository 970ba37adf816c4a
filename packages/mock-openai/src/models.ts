/**
 * The model table: which model names the mock serves and how expensive each one is.
 *
 * Costs are rough figures for a single consumer GPU at batch size 1 (speed = 1); they only
 * need to grow with model size so a demo shows bigger models being slower, not to match any
 * particular card.
 */
export interface ModelSpec {
  /** The name clients send as `model`, Ollama style (`family:tag`). */
  id: string;
  /** Parameter count in billions (informational, shown in `/v1/models`). */
  parametersB: number;
  /** Milliseconds per prompt token (prefill / prompt evaluation). */
  prefillMsPerToken: number;
  /** Milliseconds per generated token at concurrency 1 (decode). */
  decodeMsPerToken: number;
  /** Context window in tokens; prompts longer than this are rejected with 400. */
  contextLength: number;
  /** `owned_by` in `/v1/models`. */
  ownedBy?: string;
}

export const DEFAULT_MODELS: readonly ModelSpec[] = Object.freeze([
  { id: 'llama3.2:1b', parametersB: 1.2, prefillMsPerToken: 0.05, decodeMsPerToken: 8, contextLength: 131072, ownedBy: 'library' },
  { id: 'llama3.2:3b', parametersB: 3.2, prefillMsPerToken: 0.12, decodeMsPerToken: 15, contextLength: 131072, ownedBy: 'library' },
  { id: 'llama3.2:latest', parametersB: 3.2, prefillMsPerToken: 0.12, decodeMsPerToken: 15, contextLength: 131072, ownedBy: 'library' },
  { id: 'llama3.1:8b', parametersB: 8, prefillMsPerToken: 0.3, decodeMsPerToken: 30, contextLength: 131072, ownedBy: 'library' },
  // A thinking model: with Ollama's `think: true` it streams its reasoning before the answer.
  { id: 'qwen3:8b', parametersB: 8.2, prefillMsPerToken: 0.3, decodeMsPerToken: 30, contextLength: 40960, ownedBy: 'library' },
  { id: 'qwen2.5:14b', parametersB: 14.8, prefillMsPerToken: 0.55, decodeMsPerToken: 50, contextLength: 32768, ownedBy: 'library' },
  { id: 'llama3.1:70b', parametersB: 70.6, prefillMsPerToken: 2.5, decodeMsPerToken: 200, contextLength: 131072, ownedBy: 'library' },
].map((m) => Object.freeze(m)));

/**
 * Looks a model up by name. Like Ollama, a name without a tag means `:latest`
 * (`llama3.2` -> `llama3.2:latest`).
 */
export function findModel(models: readonly ModelSpec[], name: string): ModelSpec | undefined {
  const exact = models.find((m) => m.id === name);
  if (exact !== undefined || name.includes(':')) return exact;
  return models.find((m) => m.id === `${name}:latest`);
}
