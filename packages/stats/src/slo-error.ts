import { LocustaError } from '@locusta/core';

/**
 * An SLO expression that does not parse. The message is one line and quotes the input; being a
 * LocustaError, the CLI reports it as one line, `locusta: error: <message>`.
 */
export class SloError extends LocustaError {
  /** The text that failed to parse. */
  readonly input: string;

  constructor(input: string, reason: string) {
    super('LOCUSTA_ERR_SLO', `invalid SLO ${JSON.stringify(input)}: ${reason}`);
    this.input = input;
  }

  override get name(): string {
    return 'SloError';
  }
}
