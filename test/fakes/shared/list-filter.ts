import { grpc } from 'google-gax';
import { RpcError } from './faults.js';

/**
 * The subset of the AIP-160 list filter (https://google.aip.dev/160) that Batch ListJobs and Vertex
 * ListCustomJobs document: comparisons `field = value`, `!=`, `:` (has; `:*` is presence, `*` inside a value a
 * wildcard) and, on timestamps, `<` `<=` `>` `>=`; values bare or double-quoted; `AND` (or juxtaposition),
 * `OR` (binding tighter than AND, as in AIP-160), `NOT` and parentheses. Anything else, and any field the
 * schema does not know, is INVALID_ARGUMENT: a filter is never ignored.
 */
export type FilterOp = '=' | '!=' | ':' | '<' | '<=' | '>' | '>=';

export interface FilterField<T> {
  readonly ops: readonly FilterOp[];
  /** The field's value on a resource; undefined when absent (a label not set). */
  get(resource: T): string | undefined;
  /** The names an enum field takes: comparing with any other value is INVALID_ARGUMENT. */
  readonly values?: readonly string[];
  /** Timestamps compare as instants; their values must be RFC 3339. */
  readonly timestamp?: boolean;
}

/** The field a dotted name designates (`status.state`, `labels.team`), or undefined for an unknown name. */
export type FilterSchema<T> = (name: string) => FilterField<T> | undefined;

type Node<T> = (resource: T) => boolean;
type Token = { kind: 'word' | 'string' | 'op' | '(' | ')'; text: string; at: number };

const invalid = (filter: string, why: string) => new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid filter '${filter}': ${why}`);

/** A predicate for `filter` (everything matches an empty one), or INVALID_ARGUMENT. */
export function compileFilter<T>(filter: string | null | undefined, schema: FilterSchema<T>): Node<T> {
  const text = filter ?? '';
  const tokens = tokenize(text);
  if (tokens.length === 0) return () => true;
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const isWord = (word: string) => peek()?.kind === 'word' && peek()?.text === word;

  const conjunction = (): Node<T> => {
    const items = [disjunction()];
    while (i < tokens.length && peek()?.kind !== ')') {
      if (isWord('AND')) next();
      items.push(disjunction());
    }
    return items.length === 1 ? items[0]! : (r) => items.every((item) => item(r));
  };
  const disjunction = (): Node<T> => {
    const items = [unary()];
    while (isWord('OR')) {
      next();
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : (r) => items.some((item) => item(r));
  };
  const unary = (): Node<T> => {
    if (isWord('NOT')) {
      next();
      const inner = unary();
      return (r) => !inner(r);
    }
    if (peek()?.kind === '(') {
      next();
      const inner = conjunction();
      if (next()?.kind !== ')') throw invalid(text, 'missing )');
      return inner;
    }
    return comparison();
  };
  const comparison = (): Node<T> => {
    const name = next();
    if (name?.kind !== 'word' || ['AND', 'OR', 'NOT'].includes(name.text)) throw invalid(text, `expected a field at ${name?.at ?? text.length}`);
    const op = next();
    if (op?.kind !== 'op') throw invalid(text, `expected a comparison after '${name.text}' (a bare word is not a supported filter)`);
    const value = next();
    if (value?.kind !== 'word' && value?.kind !== 'string') throw invalid(text, `expected a value after '${name.text}${op.text}'`);
    return compare(text, name.text, op.text as FilterOp, value.text, schema);
  };

  const predicate = conjunction();
  if (i < tokens.length) throw invalid(text, `unexpected '${peek()?.text}' at ${peek()?.at}`);
  return predicate;
}

function compare<T>(filter: string, name: string, op: FilterOp, value: string, schema: FilterSchema<T>): Node<T> {
  const field = schema(name);
  if (!field) throw invalid(filter, `unknown or unsupported field '${name}'`);
  if (!field.ops.includes(op)) throw invalid(filter, `'${name}' does not support '${op}' (supported: ${field.ops.join(' ')})`);
  if (field.values && value !== '*' && !field.values.includes(value)) throw invalid(filter, `'${value}' is not a value of '${name}'`);
  if (field.timestamp) {
    const instant = Date.parse(value);
    if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(instant)) throw invalid(filter, `'${value}' is not an RFC 3339 timestamp`);
    return (r) => {
      const actual = field.get(r);
      return actual !== undefined && compareNumbers(Date.parse(actual), op, instant);
    };
  }
  switch (op) {
    case '=':
      return (r) => field.get(r) === value;
    case '!=':
      return (r) => field.get(r) !== value;
    case ':': {
      if (value === '*') return (r) => field.get(r) !== undefined;
      const pattern = new RegExp(`^${value.split('*').map(escapeRegExp).join('.*')}$`);
      return (r) => {
        const actual = field.get(r);
        return actual !== undefined && pattern.test(actual);
      };
    }
    default:
      throw invalid(filter, `'${op}' applies to timestamps only`);
  }
}

function compareNumbers(a: number, op: FilterOp, b: number): boolean {
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  if (op === '>=') return a >= b;
  return op === '=' ? a === b : a !== b;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|(\()|(\))|(!=|<=|>=|=|:|<|>)|"((?:[^"\\]|\\.)*)"|([^\s()=!:<>"]+)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < filter.length) {
    const at = pattern.lastIndex;
    match = pattern.exec(filter);
    if (!match) throw invalid(filter, `cannot read it at ${at}`);
    if (match[1]) tokens.push({ kind: '(', text: '(', at });
    else if (match[2]) tokens.push({ kind: ')', text: ')', at });
    else if (match[3]) tokens.push({ kind: 'op', text: match[3], at });
    else if (match[4] !== undefined) tokens.push({ kind: 'string', text: match[4].replace(/\\(.)/g, '$1'), at });
    else if (match[5]) tokens.push({ kind: 'word', text: match[5], at });
  }
  return tokens;
}

/** `labels.KEY` for any key: the label's value, absent when the resource has no such label. */
export function labelField<T>(name: string, labelsOf: (resource: T) => Record<string, string> | null | undefined): FilterField<T> | undefined {
  if (!name.startsWith('labels.') || name.length === 'labels.'.length) return undefined;
  const key = name.slice('labels.'.length);
  return { ops: ['=', '!=', ':'], get: (r) => labelsOf(r)?.[key] ?? undefined };
}
