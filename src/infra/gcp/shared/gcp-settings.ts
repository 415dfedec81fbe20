import { ConfigurationError, ValidationError } from '../../../domain/errors.js';
import type { GcpPlacement } from '../../../domain/execution-config.js';

export interface StagingBucket {
  readonly bucket: string;
  /** Without leading or trailing '/'; '' when the whole bucket is the staging area. */
  readonly prefix: string;
  /** As given, normalised: `gs://bucket` or `gs://bucket/prefix`. */
  readonly uri: string;
}

/** The GCP settings of a service, resolved once (in the composition root) and handed to its adapters. */
export interface GcpSettings {
  readonly project: string;
  readonly region: string;
  readonly stagingBucket: StagingBucket;
  readonly serviceAccount: string | undefined;
}

export const GCP_ENV = {
  project: 'SMARTJOB_PROJECT',
  region: 'SMARTJOB_REGION',
  stagingBucket: 'SMARTJOB_STAGING_BUCKET',
  serviceAccount: 'SMARTJOB_SERVICE_ACCOUNT',
} as const;

const BUCKET_URI = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/;

/**
 * Project, region, staging bucket and service account of a service: the options first, then the SMARTJOB_*
 * environment variables. A missing or malformed required setting is a ConfigurationError naming the setting
 * and its variable.
 */
export function resolveGcpSettings(backend: string, options: GcpPlacement, env: NodeJS.ProcessEnv = process.env): GcpSettings {
  const pick = (key: keyof GcpPlacement): string | undefined => {
    const value = options[key] || env[GCP_ENV[key]];
    return value === '' ? undefined : value;
  };
  const required = (key: 'project' | 'region' | 'stagingBucket', what: string): string => {
    const value = pick(key);
    if (value === undefined) {
      throw new ConfigurationError(key, `the ${backend} backend needs ${what}: set \`${key}\` or the ${GCP_ENV[key]} environment variable`);
    }
    return value;
  };
  return {
    project: required('project', 'a GCP project'),
    region: required('region', 'a GCP region'),
    stagingBucket: parseStagingBucket(required('stagingBucket', 'a staging bucket (gs://bucket[/prefix])')),
    serviceAccount: pick('serviceAccount'),
  };
}

/**
 * The settings of one execution: its own project, region and service account win over the service's. Its
 * staging bucket can only be the service's: the service's storage staged the inputs there.
 */
export function settingsForExecution(settings: GcpSettings, config: GcpPlacement): GcpSettings {
  if (config.stagingBucket !== undefined && parseStagingBucket(config.stagingBucket).uri !== settings.stagingBucket.uri) {
    throw new ValidationError(
      'executionConfig.stagingBucket',
      `must be the service's staging bucket ${settings.stagingBucket.uri} (set it on the service, not per execution)`,
      config.stagingBucket,
    );
  }
  return {
    project: config.project ?? settings.project,
    region: config.region ?? settings.region,
    stagingBucket: settings.stagingBucket,
    serviceAccount: config.serviceAccount ?? settings.serviceAccount,
  };
}

/** `projects/<project>/locations/<region>`: the parent of every resource of these settings. */
export function locationOf(settings: Pick<GcpSettings, 'project' | 'region'>): string {
  return `projects/${settings.project}/locations/${settings.region}`;
}

/** `gs://bucket[/prefix]` → its parts; anything else (or a prefix with empty, `.` or `..` segments) is a ConfigurationError. */
export function parseStagingBucket(uri: unknown): StagingBucket {
  const match = typeof uri === 'string' ? BUCKET_URI.exec(uri) : null;
  const bucket = match?.[1] ?? '';
  const prefix = (match?.[2] ?? '').replace(/\/+$/, '');
  if (!match || (prefix !== '' && !cleanSegments(prefix))) {
    throw new ConfigurationError(
      'stagingBucket',
      `\`stagingBucket\` (or ${GCP_ENV.stagingBucket}) must look like gs://bucket[/prefix], got ${typeof uri === 'string' ? `'${uri}'` : String(uri)}`,
    );
  }
  return { bucket, prefix, uri: prefix === '' ? `gs://${bucket}` : `gs://${bucket}/${prefix}` };
}

function cleanSegments(path: string): boolean {
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\0'));
}
