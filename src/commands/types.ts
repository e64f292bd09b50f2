/** One `rocket <command>`: its one-line summary, its own help text, and what it does. */
export interface Command {
  summary: string;
  /** Full help for `rocket <command> --help`: usage line and options. */
  help: string;
  run(argv: string[]): Promise<void>;
}
