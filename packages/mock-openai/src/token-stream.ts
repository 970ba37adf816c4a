/**
 * Sends one streamed answer: headers at once, the first token after the time to first token,
 * then the others at the rate the server gives, which it may change while the stream runs
 * (other streams starting or ending). Each token is its own chunk; when the rate is faster
 * than the timer's 1 ms floor, the tokens due are written together, each still its own chunk.
 */
import type http from 'node:http';
import type { Usage } from './protocol.ts';
import type { ChunkWriter } from './stream-chunks.ts';
import { SSE_PING } from './stream-chunks.ts';

export interface TokenStreamOptions {
  res: http.ServerResponse;
  /** The answer's tokens, in order: the reasoning ones first. */
  tokens: readonly string[];
  /** How many of the first tokens are reasoning (written with `writer.reasoning`). */
  reasoningTokens: number;
  writer: ChunkWriter;
  ttftMs: number;
  finishReason: 'stop' | 'length';
  usage: Usage;
  /** The response's content type. @default text/event-stream */
  contentType?: string;
  /** Write a `: ping` comment this often (ms) while the stream is open; undefined = never. */
  pingMs: number | undefined;
  /** Tokens per second this stream decodes at now (asked at every step). */
  rate(): number;
  /** The first token is out: the stream now decodes (and shares the token budget). */
  onDecodeStart(): void;
  /** `count` more tokens are about to be written, `reasoning` of them reasoning. */
  onTokens(count: number, reasoning: number): void;
  /** Called once: `completed` after the last chunk is handed to the socket, false if the client left first. */
  onEnd(completed: boolean, decoding: boolean): void;
}

export function streamTokens(o: TokenStreamOptions): void {
  const { res, tokens, writer } = o;
  let sent = 0;
  let decoding = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let ping: NodeJS.Timeout | undefined;
  /** Tokens earned at the current rate but not written yet (fractional). */
  let credit = 0;
  let last = 0;

  const end = (completed: boolean): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearInterval(ping);
    o.onEnd(completed, decoding);
  };

  const tokensText = (count: number): string => {
    o.onTokens(count, Math.max(0, Math.min(count, o.reasoningTokens - sent)));
    let text = '';
    for (let i = 0; i < count; i++) {
      const token = tokens[sent] as string;
      text += sent < o.reasoningTokens ? writer.reasoning(token) : writer.token(token);
      sent++;
    }
    return text;
  };

  const write = (text: string): void => {
    if (text !== '' && !res.destroyed) res.write(text);
  };

  const finish = (text: string): void => {
    // Counters first, so a client that has read `[DONE]` finds them up to date.
    end(true);
    if (!res.destroyed) res.end(text + writer.closing(o.finishReason, o.usage));
  };

  const schedule = (): void => {
    const rate = o.rate();
    if (!(rate < Infinity)) {
      finish(tokensText(tokens.length - sent));
      return;
    }
    timer = setTimeout(step, Math.max(1, ((1 - credit) * 1000) / rate));
  };

  const step = (): void => {
    const now = performance.now();
    const rate = o.rate();
    credit += rate < Infinity ? ((now - last) * rate) / 1000 : tokens.length;
    last = now;
    const count = Math.min(tokens.length - sent, Math.floor(credit));
    credit -= count;
    const text = count > 0 ? tokensText(count) : '';
    if (sent === tokens.length) finish(text);
    else {
      write(text);
      schedule();
    }
  };

  const firstToken = (): void => {
    decoding = true;
    o.onDecodeStart();
    const text = writer.opening() + (tokens.length > 0 ? tokensText(1) : '');
    if (sent === tokens.length) {
      finish(text);
      return;
    }
    write(text);
    last = performance.now();
    schedule();
  };

  res.writeHead(200, {
    'content-type': `${o.contentType ?? 'text/event-stream'}; charset=utf-8`,
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  // The client hung up (or close() dropped the connection) before the end.
  res.on('close', () => end(false));
  if (o.pingMs !== undefined) ping = setInterval(() => write(SSE_PING), o.pingMs);
  timer = setTimeout(firstToken, o.ttftMs);
}
