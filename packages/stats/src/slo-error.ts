// The brand @locusta/core's LocustaError recognises in `instanceof` (a global symbol, so this
// package needs no dependency on core): the CLI then reports an SloError as one line,
// `locusta: error: <message>`, like its other usage errors.
const BRAND = Symbol.for('locusta.error');

/** An SLO expression that does not parse. The message is one line and quotes the input. */
export class SloError extends Error {
  readonly code = 'LOCUSTA_ERR_SLO' as const;
  /** The text that failed to parse. */
  readonly input: string;

  constructor(input: string, reason: string) {
    super(`invalid SLO ${JSON.stringify(input)}: ${reason}`);
    this.input = input;
  }

  override get name(): string {
    return 'SloError';
  }

  get [BRAND](): string {
    return 'SloError';
  }
}
