import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './usage-error.js';

export const CONFIG_FILE = 'smartjob.config.json';

/** The optional config file: flag names in camelCase as keys (`stagingBucket`), the lowest layer of settings. */
export interface ConfigFile {
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * `--config FILE` (must exist), else ./smartjob.config.json when there is one. Keys no command knows are refused,
 * so a typo does not go unnoticed.
 */
export async function loadConfigFile(explicit: string | undefined, knownKeys: ReadonlySet<string>, cwd = process.cwd()): Promise<ConfigFile | undefined> {
  const path = explicit ?? join(cwd, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError('--config', `cannot read ${path}: ${(error as Error).message}`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new UsageError('--config', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new UsageError('--config', `${path} must hold a JSON object`);
  const unknown = Object.keys(values).filter((key) => !knownKeys.has(key));
  if (unknown.length > 0) {
    throw new UsageError('--config', `${path} has unknown keys: ${unknown.join(', ')} (keys are flag names in camelCase, e.g. stagingBucket)`);
  }
  return { path, values: values as Record<string, unknown> };
}
