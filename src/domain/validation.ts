import { ValidationError } from './errors.js';

const ENV_NAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by the SDK for every execution; a job cannot override them. */
export const RESERVED_ENV_NAMES: readonly string[] = ['INPUT_PATH', 'OUTPUT_PATH', 'EXECUTION_ID'];

/** With `secret`, an error never quotes a value (only the names, which are not secret). */
export function validateEnvMap(field: string, value: unknown, options: { readonly secret?: boolean } = {}): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (options.secret) throw new ValidationError(field, 'must be an object of string values');
    throw new ValidationError(field, 'must be an object of string values', value);
  }
  for (const [key, v] of Object.entries(value)) {
    if (!ENV_NAME_RULE.test(key)) throw new ValidationError(`${field}.${key}`, 'must be a name matching [A-Za-z_][A-Za-z0-9_]*');
    if (RESERVED_ENV_NAMES.includes(key)) throw new ValidationError(`${field}.${key}`, 'is set by smartjob and cannot be overridden');
    if (typeof v !== 'string') {
      if (options.secret) throw new ValidationError(`${field}.${key}`, 'must be a string');
      throw new ValidationError(`${field}.${key}`, 'must be a string', v);
    }
  }
  return value as Record<string, string>;
}

/** An optional options object: undefined, or an object (an array or a primitive is a mistake worth naming). */
export function optionalObject<T extends object>(field: string, value: T | undefined): T | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) throw new ValidationError(field, 'must be an object', value);
  return value;
}

export function validateArgs(field: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be an array of strings', value);
  value.forEach((arg, i) => {
    if (typeof arg !== 'string') throw new ValidationError(`${field}[${i}]`, 'must be a string', arg);
  });
  return value as string[];
}

export function optionalPositiveInteger(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(field, 'must be a positive integer', value);
  }
  return value;
}

export function optionalPositiveNumber(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(field, 'must be a positive number', value);
  }
  return value;
}

export function optionalString(field: string, value: unknown, rule?: RegExp, ruleText?: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || (rule && !rule.test(value))) {
    throw new ValidationError(field, ruleText ?? 'must be a non-empty string', value);
  }
  return value;
}

/**
 * An optional AbortSignal. One that is already aborted is bad input: nothing was started, so there is nothing to
 * cancel (a signal that aborts later cancels what it started).
 */
export function optionalSignal(field: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new ValidationError(field, 'must be an AbortSignal');
  if (value.aborted) throw new ValidationError(field, 'is already aborted: nothing was started');
  return value;
}
