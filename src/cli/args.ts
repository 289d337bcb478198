import { parseArgs } from 'node:util';
import { UsageError } from './errors';

interface OptionBase {
  description: string;
  /** One-letter alias, e.g. `v` for `-v`. */
  short?: string;
  /** Placeholder shown in help, e.g. `<version>`. */
  valueName?: string;
  required?: boolean;
}

/**
 * The value types a command option can have. `timestamp` accepts ISO 8601 (`2024-05-01`,
 * `2024-05-01T12:00:00Z`, `2024-05-01T14:00:00+02:00`; no offset means UTC, never local time, so a
 * script gives the same answer on every machine). `list` is comma separated and may be repeated.
 */
export type OptionSpec =
  | (OptionBase & { type: 'string'; default?: string })
  | (OptionBase & { type: 'boolean' })
  | (OptionBase & { type: 'integer'; default?: number; min?: number; max?: number })
  | (OptionBase & { type: 'timestamp' })
  | (OptionBase & { type: 'list'; default?: readonly string[] })
  | (OptionBase & { type: 'choice'; choices: readonly string[]; default?: string });

export interface PositionalSpec {
  name: string;
  description: string;
  /** Defaults to true. */
  required?: boolean;
  /** Takes all remaining arguments; only the last positional may be variadic. */
  variadic?: boolean;
}

export interface CommandSpec {
  /** The subcommand as typed, e.g. `history` or `table optimize`. */
  name: string;
  summary: string;
  positionals?: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples?: readonly string[];
}

type OptionValue<O extends OptionSpec> =
  O extends { type: 'boolean' } ? boolean
    : O extends { type: 'integer' } ? number
      : O extends { type: 'timestamp' } ? Date
        : O extends { type: 'list' } ? string[]
          : O extends { type: 'choice'; choices: readonly (infer C)[] } ? C
            : string;

type AlwaysSet<O extends OptionSpec> =
  O extends { type: 'boolean' } ? true : O extends { required: true } ? true : O extends { default: unknown } ? true : false;

export type OptionValues<S extends CommandSpec> = {
  [K in keyof S['options']]: AlwaysSet<S['options'][K]> extends true
    ? OptionValue<S['options'][K]>
    : OptionValue<S['options'][K]> | undefined;
};

export interface ParsedCommand<S extends CommandSpec> {
  /** `--help` or `-h` was given: print `commandUsage(spec)` and nothing was validated. */
  help: boolean;
  options: OptionValues<S>;
  /** The positional arguments in order, their count checked against the spec. */
  positionals: string[];
}

/** Identity that keeps option literal types (choices, defaults) for `parseCommand`'s result type. */
export function defineCommand<const S extends CommandSpec>(spec: S): S {
  return spec;
}

type ArgToken = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;
/** An option token as parseArgs gives it. */
export type OptionToken = Extract<ArgToken, { kind: 'option' }>;

/**
 * The command line as parseArgs tokens, in the order typed. Non-strict, so our own checks can word
 * the errors, handle repeats and (merge) read the order between options.
 */
export function commandTokens(spec: CommandSpec, argv: readonly string[]): ArgToken[] {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(spec.options)) {
    config[name] = { type: option.type === 'boolean' ? 'boolean' : 'string', ...(option.short ? { short: option.short } : {}) };
  }
  return parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** The value of a valued option's token, or a UsageError when it has none. */
export function optionValue(spec: CommandSpec, token: OptionToken): string {
  // parseArgs takes the next argument as the value whatever it is; `--version --json` is a
  // forgotten value, not the value "--json". Negative numbers and "-" (stdin) stay values.
  if (token.value === undefined || (!token.inlineValue && /^-(?!\d|$)/.test(token.value))) {
    throw new UsageError(`option ${token.rawName} needs a value`, spec.name);
  }
  return token.value;
}

/**
 * Parses a subcommand's arguments (after the subcommand name) with `util.parseArgs`, then checks
 * what it does not: unknown options, value types, required options and positional counts. Every
 * problem is a `UsageError` naming the option as the user typed it.
 */
export function parseCommand<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedCommand<S> {
  if (Object.hasOwn(spec.options, 'help')) throw new Error(`Command ${spec.name} must not declare its own --help option.`);
  const tokens = commandTokens(spec, argv);
  const positionals = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  // Help wins over every other problem on the line: it is what a confused user asks for.
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) {
    return { help: true, options: {} as OptionValues<S>, positionals };
  }
  const raw = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    if (!option) throw new UsageError(`unknown option ${token.rawName}`, spec.name);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option ${token.rawName} takes no value`, spec.name);
      raw.set(token.name, ['true']);
      continue;
    }
    const value = optionValue(spec, token);
    const previous = raw.get(token.name);
    if (previous && option.type !== 'list') throw new UsageError(`option ${token.rawName} is given more than once`, spec.name);
    raw.set(token.name, [...(previous ?? []), value]);
  }

  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const values = raw.get(name);
    if (values === undefined) {
      if (option.required) throw new UsageError(`option --${name} is required`, spec.name);
      const fallback = defaultOf(option);
      options[name] = option.type === 'boolean' ? false : Array.isArray(fallback) ? [...fallback] : fallback;
      continue;
    }
    options[name] = convertOption(name, option, values, spec.name);
  }
  checkPositionals(spec, positionals);
  return { help: false, options: options as OptionValues<S>, positionals };
}

function convertOption(name: string, option: OptionSpec, values: string[], command: string): unknown {
  const value = values[values.length - 1];
  const invalid = (expected: string): UsageError =>
    new UsageError(`option --${name} expects ${expected}, got ${JSON.stringify(value)}`, command);
  switch (option.type) {
    case 'boolean':
      return true;
    case 'string':
      return value;
    case 'integer': {
      const parsed = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(parsed)) throw invalid('an integer');
      if (option.min !== undefined && parsed < option.min) throw invalid(`an integer >= ${option.min}`);
      if (option.max !== undefined && parsed > option.max) throw invalid(`an integer <= ${option.max}`);
      return parsed;
    }
    case 'timestamp': {
      const parsed = parseIsoTimestamp(value);
      if (!parsed) throw invalid('an ISO 8601 timestamp such as 2024-05-01T12:00:00Z');
      return parsed;
    }
    case 'list': {
      const items = values.flatMap((v) => v.split(',')).map((item) => item.trim());
      if (items.some((item) => item === '')) {
        throw new UsageError(`option --${name} expects a comma-separated list without empty items, got ${JSON.stringify(values.join(','))}`, command);
      }
      return items;
    }
    case 'choice':
      if (!option.choices.includes(value)) throw invalid(`one of ${option.choices.join(', ')}`);
      return value;
  }
}

function checkPositionals(spec: CommandSpec, positionals: string[]): void {
  const declared = spec.positionals ?? [];
  const required = declared.filter((p) => p.required !== false);
  if (positionals.length < required.length) {
    throw new UsageError(`missing argument <${required[positionals.length].name}>`, spec.name);
  }
  if (!declared.at(-1)?.variadic && positionals.length > declared.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[declared.length])}`, spec.name);
  }
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Strict ISO 8601 (calendar dates must exist); without an offset the time is UTC. Precision: ms. */
export function parseIsoTimestamp(text: string): Date | undefined {
  const match = ISO_TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day
    || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const zone = match[8];
  if (!zone || zone.toUpperCase() === 'Z') return check;
  const digits = zone.replace(':', '');
  const offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  return new Date(local - offsetMinutes * 60_000);
}

/** The `--help` text of a command: usage line, summary, arguments, options (aligned), examples. */
export function commandUsage(spec: CommandSpec, program = 'lakehouse'): string {
  const positionals = spec.positionals ?? [];
  const synopsis = positionals.map((p) => {
    const name = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.required === false ? `[${name}]` : name;
  });
  const lines = [`Usage: ${[program, spec.name, '[options]', ...synopsis].join(' ')}`, '', spec.summary];
  const rows = (entries: [string, string][]): string[] => {
    const width = Math.max(...entries.map(([left]) => left.length));
    return entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
  };
  if (positionals.length > 0) {
    lines.push('', 'Arguments:', ...rows(positionals.map((p) => [p.name, p.description])));
  }
  const options: [string, string][] = Object.entries(spec.options).map(([name, option]) => [
    `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'boolean' ? '' : ` <${option.valueName ?? valueNameOf(option)}>`}`,
    describeOption(option),
  ]);
  options.push(['-h, --help', 'Show this help']);
  lines.push('', 'Options:', ...rows(options));
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:', ...spec.examples.map((example) => `  ${example}`));
  }
  return lines.join('\n');
}

function defaultOf(option: OptionSpec): unknown {
  return 'default' in option ? option.default : undefined;
}

function valueNameOf(option: OptionSpec): string {
  switch (option.type) {
    case 'integer': return 'n';
    case 'timestamp': return 'timestamp';
    case 'list': return 'a,b,...';
    case 'choice': return option.choices.join('|');
    default: return 'value';
  }
}

function describeOption(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.required) notes.push('required');
  const fallback = defaultOf(option);
  if (fallback !== undefined) notes.push(`default: ${Array.isArray(fallback) ? fallback.join(',') : String(fallback)}`);
  return notes.length > 0 ? `${option.description} (${notes.join('; ')})` : option.description;
}
