import { AizuchiError } from '../domain/errors';
/** An error the CLI prints as one clear line (no stack trace) before exiting non-zero. */
export class CliError extends AizuchiError {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message, { code: 'cli' });
  }
}
