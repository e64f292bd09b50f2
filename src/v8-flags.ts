/** A V8 flag's name without `--`, `no-` or a value, with `_` spelled `-`: `--no_opt` is `opt`. */
export const flagName = (arg: string): string =>
  (arg.replace(/^--(no-)?/, '').split('=')[0] ?? '').replaceAll('_', '-');

/** The names of the flags among `args` (node's options, such as `process.execArgv`). */
export function flagNames(args: readonly string[]): Set<string> {
  return new Set(args.map(flagName));
}
