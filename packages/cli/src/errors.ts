import { LocustaError } from '@locusta/core';

/**
 * Errors that end the CLI with a one-line message and an exit code, never a stack dump.
 * Usage errors exit 2 (as argparse does for Locust); problems with the user file or its
 * classes exit 1 (as Locust's main does).
 */
export class CliError extends LocustaError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(exitCode === 2 ? 'LOCUSTA_ERR_USAGE' : 'LOCUSTA_ERR_USER_FILE', message);
    this.exitCode = exitCode;
  }
  override get name(): string {
    return 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

export function fileError(message: string): CliError {
  return new CliError(message, 1);
}
