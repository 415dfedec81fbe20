import { ConfigurationError } from '../../domain/errors.js';

/** GCP settings as a caller may give them (every field optional; the environment fills the gaps). */
export interface GcpSettingsInput {
  readonly project?: string;
  readonly region?: string;
  /** `gs://bucket[/prefix]` */
  readonly stagingBucket?: string;
  readonly serviceAccount?: string;
}

export interface StagingBucket {
  readonly bucket: string;
  /** Without leading or trailing '/'; '' when the whole bucket is the staging area. */
  readonly prefix: string;
  /** As given, normalised: `gs://bucket` or `gs://bucket/prefix`. */
  readonly uri: string;
}

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
 * Resolves project, region, staging bucket and service account: the first layer that sets a value wins
 * (e.g. per-execution config, then adapter options), then the SMARTJOB_* environment variables.
 * A missing or malformed required setting is a ConfigurationError naming the setting and its variable.
 */
export function resolveGcpSettings(
  backend: string,
  layers: readonly (GcpSettingsInput | undefined)[],
  env: NodeJS.ProcessEnv = process.env,
): GcpSettings {
  const pick = (key: keyof GcpSettingsInput): string | undefined => {
    for (const layer of layers) {
      const value = layer?.[key];
      if (value !== undefined && value !== '') return value;
    }
    const fromEnv = env[GCP_ENV[key]];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
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

/** `gs://bucket[/prefix]` → its parts; anything else is a ConfigurationError. */
export function parseStagingBucket(uri: string): StagingBucket {
  const match = BUCKET_URI.exec(uri);
  if (!match) {
    throw new ConfigurationError(
      'stagingBucket',
      `\`stagingBucket\` (or ${GCP_ENV.stagingBucket}) must look like gs://bucket[/prefix], got '${uri}'`,
    );
  }
  const bucket = match[1] as string;
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket, prefix, uri: prefix === '' ? `gs://${bucket}` : `gs://${bucket}/${prefix}` };
}
