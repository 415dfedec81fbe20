import { readFile } from 'node:fs/promises';
import type { ExecutionConfig, SidecarContainer } from '../../domain/execution-config.js';
import { GcsInput, JsonInput, LocalPathInput, type Input } from '../../domain/inputs.js';
import type { SmartJob } from '../../domain/job.js';
import type { RunOptions } from '../../domain/services/plan.js';
import { parseEnvFile } from './env-file.js';
import { parseKeyValue, parseMemoryGb } from './flag-values.js';
import type { CommandContext } from './context.js';
import type { Settings } from './settings.js';
import { UsageError } from './usage-error.js';

/** A job and its run options, built from the settings, plus what errors and masking need to know. */
export interface JobRequest {
  readonly job: SmartJob;
  readonly options: RunOptions;
  /** The flag that made each input, so an SDK error about `inputs[i]` names it. */
  readonly inputFlags: readonly string[];
  readonly secretValues: readonly string[];
}

/** The job of run and schedule, with its secrets masked from then on and its inputs' flags known to errors. */
export async function prepareJob(ctx: CommandContext): Promise<JobRequest> {
  const request = await jobRequestFrom(ctx.settings, ctx.line.args, ctx.env);
  ctx.output.addSecrets(request.secretValues);
  ctx.inputFlags = request.inputFlags;
  return request;
}

export async function jobRequestFrom(settings: Settings, args: readonly string[] | undefined, env: NodeJS.ProcessEnv): Promise<JobRequest> {
  const image = required(settings, 'image');
  const name = required(settings, 'name');
  const fileArgs = settings.fromFile('args');
  if (fileArgs !== undefined && (!Array.isArray(fileArgs) || fileArgs.some((a) => typeof a !== 'string'))) {
    throw new UsageError('-- ARGS', 'must be an array of strings', ' (from `args` in the config file)');
  }
  const job: SmartJob = {
    name,
    namespace: settings.string('namespace'),
    dockerImage: image,
    overriddenArgs: args ?? (fileArgs as string[] | undefined),
    pythonScriptPath: settings.string('script'),
  };
  const addEnvs = { ...(await envFiles(settings)), ...settings.map('env', { fromEnv: true }) };
  const secretEnvs = settings.map('secret-env', { fromEnv: true });
  const { inputs, inputFlags } = await inputsFrom(settings, env);
  const secretRefs = settings.map('secret-ref');
  const options: RunOptions = { inputs, addEnvs, secretEnvs, secretRefs, executionConfig: executionConfigFrom(settings) };
  return { job, options, inputFlags, secretValues: Object.values(secretEnvs) };
}

function required(settings: Settings, name: string): string {
  const value = settings.string(name);
  if (value === undefined) throw new UsageError(`--${name}`, `is required (or SMARTJOB_${name.toUpperCase()}, or \`${name}\` in the config file)`);
  return value;
}

async function envFiles(settings: Settings): Promise<Record<string, string>> {
  const { items, flag, via } = settings.list('env-file');
  const merged: Record<string, string> = {};
  for (const path of items) {
    const text = await readFile(path, 'utf8').catch((error: Error) => { throw new UsageError(flag, `cannot read ${path}: ${error.message}`, via); });
    Object.assign(merged, parseEnvFile(flag, path, text));
  }
  return merged;
}

async function inputsFrom(settings: Settings, env: NodeJS.ProcessEnv): Promise<{ inputs: Input[]; inputFlags: string[] }> {
  const inputs: Input[] = [];
  const inputFlags: string[] = [];
  const each = async (name: string, make: (filename: string, value: string, flag: string, via: string) => Input | Promise<Input>) => {
    const { items, flag, via } = settings.list(name);
    for (const item of items) {
      const [filename, value] = parseKeyValue(flag, item, env, {}, via);
      inputs.push(await make(filename, value, flag, via));
      inputFlags.push(flag);
    }
  };
  await each('input', (filename, path) => new LocalPathInput(filename, path));
  await each('gcs-input', (filename, uri) => new GcsInput(filename, uri));
  await each('json-input', async (filename, value, flag, via) => new JsonInput(filename, await jsonValue(flag, value, via)));
  return { inputs, inputFlags };
}

/** `@file` reads a file; anything else is JSON text. Either must parse. */
async function jsonValue(flag: string, value: string, via: string): Promise<unknown> {
  const path = value.startsWith('@') ? value.slice(1) : undefined;
  const text = path === undefined ? value : await readFile(path, 'utf8').catch((error: Error) => { throw new UsageError(flag, `cannot read ${path}: ${error.message}`, via); });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(flag, `needs valid JSON${path ? ` in ${path}` : ''}: ${(error as Error).message}`, via);
  }
}

function executionConfigFrom(settings: Settings): ExecutionConfig {
  const memory = settings.string('memory');
  const labels = settings.map('label');
  const sidecars = sidecarsFrom(settings);
  const config: Record<string, unknown> = {
    timeout: defined({
      timeoutSeconds: settings.number('timeout'),
      timeoutSecondsSchedule: settings.number('schedule-timeout'),
      timeoutSecondsDownload: settings.number('download-timeout'),
    }),
    retry: defined({
      maxAttempts: settings.number('max-attempts', { integer: true }),
      maxAttemptsExecute: settings.number('attempts', { integer: true }),
      maxAttemptsSchedule: settings.number('schedule-attempts', { integer: true }),
      maxAttemptsDownload: settings.number('download-attempts', { integer: true }),
    }),
    cpu: settings.number('cpu'),
    memoryGb: memory === undefined ? undefined : parseMemoryGb('--memory', memory),
    machineType: settings.string('machine-type'),
    acceleratorType: settings.string('accelerator-type'),
    acceleratorCount: settings.number('accelerator-count', { integer: true }),
    bootDiskSizeGb: settings.number('boot-disk-size', { integer: true }),
    bootDiskType: settings.string('boot-disk-type'),
    vpcConnectorNetwork: settings.string('vpc-network'),
    vpcConnectorSubnetwork: settings.string('vpc-subnetwork'),
    labels: Object.keys(labels).length > 0 ? labels : undefined,
    sidecarsContainers: sidecars.length > 0 ? sidecars : undefined,
    installOpsAgent: settings.boolean('install-ops-agent') || undefined,
  };
  return defined(config) as ExecutionConfig;
}

/** `--sidecar NAME=IMAGE`; the config file may also give objects with args and env (the SDK checks them). */
function sidecarsFrom(settings: Settings): SidecarContainer[] {
  const inFile = settings.fromFile('sidecar');
  if (!settings.givenOutsideFile('sidecar') && Array.isArray(inFile)) {
    return inFile.map((item: unknown) => (typeof item === 'string' ? sidecarOf('--sidecar', item, ' (from the config file)') : (item as SidecarContainer)));
  }
  const { items, flag, via } = settings.list('sidecar');
  return items.map((item) => sidecarOf(flag, item, via));
}

function sidecarOf(flag: string, item: string, via: string): SidecarContainer {
  const [name, dockerImage] = parseKeyValue(flag, item, {}, {}, via);
  return { name, dockerImage };
}

/** Without the keys whose value is undefined (and undefined when none is left, for nested groups). */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> | undefined {
  const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? (kept as Partial<T>) : undefined;
}
