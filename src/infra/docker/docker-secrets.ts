import type Docker from 'dockerode';
import type { LaunchSpec, LogLine } from '../../domain/ports/executor.port.js';
import { maskableValues, maskSecrets } from '../../domain/secret-mask.js';

/**
 * The names (never the values) of an execution's secret variables, so that any process reading its logs knows
 * which of the container's variables to mask: the values are in the container's environment, as the engine
 * keeps them (`docker inspect` shows them to whoever can reach the daemon).
 */
export const SECRET_NAMES_LABEL = 'smartjob_secret_env_names';

export function secretNamesLabel(spec: Pick<LaunchSpec, 'secretEnvs'>): Record<string, string> {
  const names = Object.keys(spec.secretEnvs);
  return names.length > 0 ? { [SECRET_NAMES_LABEL]: names.join(',') } : {};
}

/** The values to mask in this container's logs: its variables named by the label. */
export function secretValuesOf(info: Pick<Docker.ContainerInspectInfo, 'Config'>): string[] {
  const names = new Set((info.Config.Labels?.[SECRET_NAMES_LABEL] ?? '').split(',').filter(Boolean));
  if (names.size === 0) return [];
  const values: string[] = [];
  for (const entry of info.Config.Env ?? []) {
    const at = entry.indexOf('=');
    if (at > 0 && names.has(entry.slice(0, at))) values.push(entry.slice(at + 1));
  }
  return maskableValues(values);
}

/** The log lines with the secret values masked (the lines as they are when there are none). */
export async function* maskedLines(lines: AsyncIterable<LogLine>, maskable: readonly string[]): AsyncIterable<LogLine> {
  if (maskable.length === 0) return yield* lines;
  for await (const { stream, line } of lines) yield { stream, line: maskSecrets(line, maskable) };
}
