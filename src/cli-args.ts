// Owns reading command-line flags the way both CLIs accept them (`--flag value`, `--flag=value`, bare
// flags) and the option tables they are read from: each command declares its flags and IAMLOCAL_*
// environment variables once (an OptionSpec list), and both the parser and the `--help` text come
// from that list, so a new flag appears in the help the moment it is declared.

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

/** One option of a command: a flag, an environment variable, or both (the flag wins). */
export interface OptionSpec<C> {
  /** `--port`; absent for environment-only settings. */
  flag?: string;
  /** Other spellings of the flag (`-h`). */
  aliases?: string[];
  /** Placeholder of the flag's value (`N`); absent for a flag that takes none. */
  value?: string;
  /** May be given several times (shown in the help). */
  repeatable?: boolean;
  /** The environment variable read for it (`IAMLOCAL_PORT`). */
  env?: string;
  /** What the help shows as the default. */
  default?: string;
  /** One line of help. */
  help: string;
  /** Applies the flag (a flag without a value gets ''). */
  fromFlag?(c: C, value: string, flag: string): void;
  /** Applies the environment variable (called only when it is set). */
  fromEnv?(c: C, value: string, env: NodeJS.ProcessEnv): void;
}

/** Applies `env` (in table order) and then `argv` to `c`; unknown flags are `unknown(arg)`. */
export function applyOptions<C>(specs: readonly OptionSpec<C>[], c: C, argv: string[], env: NodeJS.ProcessEnv, errors: { missing(flag: string): Error; unknown(arg: string): Error }): C {
  for (const s of specs) if (s.env && s.fromEnv && env[s.env] !== undefined) s.fromEnv(c, env[s.env]!, env);
  const byFlag = new Map<string, OptionSpec<C>>();
  for (const s of specs) for (const f of [s.flag, ...(s.aliases ?? [])]) if (f) byFlag.set(f, s);
  for (const { arg, flag, value } of cliFlags(argv, errors.missing)) {
    const s = byFlag.get(flag);
    if (!s || !s.fromFlag) throw errors.unknown(arg);
    s.fromFlag(c, s.value ? value() : '', flag);
  }
  return c;
}

/** The options part of a `--help` text: one line per option, its flag, environment variable and default. */
export function formatOptions<C>(specs: readonly OptionSpec<C>[]): string {
  const rows = specs.map((s) => {
    const left = s.flag ? [s.flag, ...(s.aliases ?? [])].join(', ') + (s.value ? ` ${s.value}` : '') : `${s.env}=${s.value ?? 'VALUE'}`;
    const notes = [s.repeatable ? 'repeatable' : '', s.default !== undefined ? `default ${s.default}` : '', s.flag && s.env ? `env ${s.env}` : ''].filter(Boolean);
    return [left, s.help + (notes.length ? ` (${notes.join('; ')})` : '')];
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${l.length >= width ? '\n  ' + ' '.repeat(width) : ''}${r}`).join('\n');
}

/** The `iamlocal` subcommands that are admin calls against a running server (src/cli-admin.ts). */
export const ADMIN_COMMANDS = ['decisions', 'reset', 'clock', 'snapshot'] as const;
