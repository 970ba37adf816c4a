/**
 * The wire format of streamed answers: OpenAI's chunk objects, framed as server-sent events
 * (`data: <json>` and a blank line), closed by `data: [DONE]`. This is what OpenAI, vLLM,
 * llama.cpp and Ollama's `/v1` routes send for `stream: true`.
 */
import type { ReasoningField, Usage } from './protocol.ts';

type FinishReason = 'stop' | 'length';

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string; reasoning_content?: string; reasoning?: string };
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  /** With `include_usage`: null on every chunk but the last, which has no choices. */
  usage?: Usage | null;
}

export interface TextCompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{ index: number; text: string; logprobs: null; finish_reason: FinishReason | null }>;
  usage?: Usage | null;
}

/** A keep-alive comment: clients' SSE parsers skip it. */
export const SSE_PING = ': ping\n\n';
/** The end-of-stream marker OpenAI-compatible servers send after the last chunk. */
export const SSE_DONE = 'data: [DONE]\n\n';

function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export interface StreamMeta {
  id: string;
  created: number;
  /** The model name as the request gave it. */
  model: string;
  includeUsage: boolean;
  /** Where reasoning tokens go in a chat delta. Default `reasoning_content`. */
  reasoningField?: ReasoningField;
}

/** Builds the SSE text of one streamed answer, chunk by chunk. */
export interface ChunkWriter {
  /** What precedes the first token: the chat role chunk; nothing for text completions. */
  opening(): string;
  /** One content token. */
  token(text: string): string;
  /** One reasoning token: a chat delta with the reasoning field and no content (text completions have none). */
  reasoning(text: string): string;
  /** The chunk with the finish reason, the usage chunk if asked for, and `[DONE]`. */
  closing(finishReason: FinishReason, usage: Usage): string;
}

export function chatChunks(meta: StreamMeta): ChunkWriter {
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: FinishReason | null): ChatCompletionChunk => {
    const out: ChatCompletionChunk = {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: 'fp_locusta_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (meta.includeUsage) out.usage = null;
    return out;
  };
  return {
    opening: () => sseEvent(chunk({ role: 'assistant', content: '' }, null)),
    token: (text) => sseEvent(chunk({ content: text }, null)),
    reasoning: (text) => sseEvent(chunk({ [meta.reasoningField ?? 'reasoning_content']: text }, null)),
    closing: (finishReason, usage) => {
      let text = sseEvent(chunk({}, finishReason));
      if (meta.includeUsage) text += sseEvent({ ...chunk({}, null), choices: [], usage });
      return text + SSE_DONE;
    },
  };
}

export function textChunks(meta: StreamMeta): ChunkWriter {
  const chunk = (text: string, finish: FinishReason | null): TextCompletionChunk => {
    const out: TextCompletionChunk = {
      id: meta.id,
      object: 'text_completion',
      created: meta.created,
      model: meta.model,
      system_fingerprint: 'fp_locusta_mock',
      choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
    };
    if (meta.includeUsage) out.usage = null;
    return out;
  };
  return {
    opening: () => '',
    token: (text) => sseEvent(chunk(text, null)),
    reasoning: (text) => sseEvent(chunk(text, null)),
    closing: (finishReason, usage) => {
      let text = sseEvent(chunk('', finishReason));
      if (meta.includeUsage) text += sseEvent({ ...chunk('', null), choices: [], usage });
      return text + SSE_DONE;
    },
  };
}

/**
 * The answer's text cut into tokens, one word each (the mock's convention: every word is one
 * token), each after the first carrying its leading space, so the deltas concatenate to the
 * same text a plain answer has.
 */
export function tokenize(text: string): string[] {
  if (text === '') return [];
  return text.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`));
}
