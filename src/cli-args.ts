// Owns reading command-line flags the way both CLIs accept them: `--flag value`, `--flag=value` and bare flags.

export interface CliFlag {
  /** The argument as given (for "unknown option" messages). */
  arg: string;
  /** The flag name, without any `=value`. */
  flag: string;
  /** The flag's value: the inline `=value`, else the next argument (consumed); `missing(flag)` is thrown when there is none. */
  value(): string;
}

/** The flags of `argv` in order. */
export function* cliFlags(argv: string[], missing: (flag: string) => Error): Generator<CliFlag> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw missing(flag);
      return v;
    };
    yield { arg, flag, value };
  }
}
