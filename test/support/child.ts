import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ServiceConfig } from './service-config.js';

const CHILD = fileURLToPath(new URL('./child-client.ts', import.meta.url));
const run = promisify(execFile);

/** Runs one SDK call in a fresh process that knows only `config` and `arg`; returns its JSON answer. */
export async function inChild<T>(config: ServiceConfig, command: 'schedule-forget' | 'attach' | 'cancel', arg: unknown): Promise<T> {
  const text = typeof arg === 'string' ? arg : JSON.stringify(arg);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, command, JSON.stringify(config), text], { timeout: 60_000 });
  return JSON.parse(stdout) as T;
}
