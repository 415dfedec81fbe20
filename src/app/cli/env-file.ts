import { UsageError } from './usage-error.js';

/**
 * `KEY=VALUE` lines as in a .env file: blank lines and `#` comments are skipped, `export ` is allowed, a value in
 * matching single or double quotes loses them. A bad line is named by its number, never by its value.
 */
export function parseEnvFile(flag: string, path: string, text: string): Record<string, string> {
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const at = body.indexOf('=');
    if (at <= 0) throw new UsageError(flag, `${path} line ${index + 1} must look like NAME=VALUE`);
    let value = body.slice(at + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    values[body.slice(0, at).trim()] = value;
  });
  return values;
}
