/** A command line that cannot be run as written: `rocket` prints it with the usage and exits 2. */
export class UsageError extends Error {
  /** The usage text to print after the message: the command's help, or the list of commands. */
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** node:util parseArgs's own errors (unknown option, missing value, stray positional) are usage errors. */
export function isParseArgsError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
