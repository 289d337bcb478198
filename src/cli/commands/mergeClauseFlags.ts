import { commandTokens, optionValue, type CommandSpec } from '../args';
import { UsageError } from '../errors';
import type { MatchedClause, NotMatchedBySourceClause, NotMatchedClause } from '../../delta/write/mergeClauses';
import { parseAssignmentList } from './assignmentList';

/** The WHEN clauses of a merge command line, each group in command-line order. */
export interface MergeClauseLists {
  matched: MatchedClause[];
  notMatched: NotMatchedClause[];
  notMatchedBySource: NotMatchedBySourceClause[];
}

export interface MergeClauseFlags {
  /** Undefined when the line has no clause flag: then `--set` alone is the legacy upsert's values. */
  clauses: MergeClauseLists | undefined;
  /** `--set` given without any clause flag. */
  upsertSet: Record<string, string> | undefined;
  /** The arguments without the clause flags, `--set` and `--values`, for parseCommand. */
  rest: string[];
}

type ClauseFlag = 'when-matched-update' | 'when-matched-delete' | 'when-not-matched-insert' | 'when-not-matched-by-source-update' | 'when-not-matched-by-source-delete';
const CLAUSE_FLAGS: readonly ClauseFlag[] = ['when-matched-update', 'when-matched-delete', 'when-not-matched-insert', 'when-not-matched-by-source-update', 'when-not-matched-by-source-delete'];
/** Flags that give the values of the clause flag just before them. */
const VALUE_FLAGS = { set: ['when-matched-update', 'when-not-matched-by-source-update'], values: ['when-not-matched-insert'] } as const;

interface ClauseToken { flag: ClauseFlag; condition: string | undefined; set?: Record<string, string> }

/**
 * Reads the clause flags of `lakehouse merge` in the order given, since Spark applies the first
 * clause of a group whose condition holds: each may be repeated, and each `--set` / `--values`
 * belongs to the clause flag right before it. The generic parser keeps only the last value of an
 * option and loses the order between options, hence this pass over the raw tokens.
 */
export function mergeClauseFlags(spec: CommandSpec, argv: readonly string[]): MergeClauseFlags {
  const tokens = commandTokens(spec, argv);
  const taken = new Set<number>();
  const clauses: ClauseToken[] = [];
  let upsertSet: Record<string, string> | undefined;
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name;
    const isClause = (CLAUSE_FLAGS as readonly string[]).includes(name);
    if (!isClause && name !== 'set' && name !== 'values') continue;
    const value = optionValue(spec, token);
    taken.add(token.index);
    if (!token.inlineValue) taken.add(token.index + 1);
    if (isClause) {
      clauses.push({ flag: name as ClauseFlag, condition: /^\s*true\s*$/i.test(value) ? undefined : value });
      continue;
    }
    const values = parseAssignmentList(value, spec.name, `--${name}`);
    const owner = clauses.at(-1);
    if (name === 'set' && clauses.length === 0 && upsertSet === undefined) {
      upsertSet = values;
      continue;
    }
    const owners: readonly string[] = VALUE_FLAGS[name as keyof typeof VALUE_FLAGS];
    if (!owner || !owners.includes(owner.flag) || owner.set) {
      throw new UsageError(`--${name} gives the values of the ${owners.map((f) => `--${f}`).join(' or ')} clause right before it; `
        + `${owner ? `here it follows --${owner.flag}${owner.set ? ', which already has its values' : ''}` : 'here no clause comes before it'}`, spec.name);
    }
    owner.set = values;
  }
  if (upsertSet && clauses.length > 0) {
    throw new UsageError(`--set gives the values of the ${VALUE_FLAGS.set.map((f) => `--${f}`).join(' or ')} clause right before it; put it after that clause`, spec.name);
  }
  const rest = argv.filter((_, i) => !taken.has(i));
  return { clauses: clauses.length > 0 ? groups(clauses, spec.name) : undefined, upsertSet, rest };
}

function groups(tokens: readonly ClauseToken[], command: string): MergeClauseLists {
  const lists: MergeClauseLists = { matched: [], notMatched: [], notMatchedBySource: [] };
  for (const { flag, condition, set } of tokens) {
    const when = condition === undefined ? {} : { condition };
    switch (flag) {
      case 'when-matched-update':
        lists.matched.push({ action: 'update', ...when, ...(set ? { set } : {}) });
        break;
      case 'when-matched-delete':
        lists.matched.push({ action: 'delete', ...when });
        break;
      case 'when-not-matched-insert':
        lists.notMatched.push({ action: 'insert', ...when, ...(set ? { values: set } : {}) });
        break;
      case 'when-not-matched-by-source-update':
        if (!set) throw new UsageError('--when-not-matched-by-source-update needs a --set after it (there is no source row to copy)', command);
        lists.notMatchedBySource.push({ action: 'update', ...when, set });
        break;
      case 'when-not-matched-by-source-delete':
        lists.notMatchedBySource.push({ action: 'delete', ...when });
        break;
    }
  }
  return lists;
}
