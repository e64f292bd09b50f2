/** One `rocket <command>`: its own help text, and what it does. */
export interface Command {
  /** Full help for `rocket <command> --help`: usage line and options. */
  help: string;
  run(argv: string[]): Promise<void>;
}

/**
 * A command as the CLI lists it: its one-line summary, and a loader, so that `rocket serve` imports
 * only what serving needs (a cold start pays for every module imported before the first answer).
 */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
  /** Work started before the command's modules load (not for --help): the cold start overlaps them. */
  early?(): void;
}
