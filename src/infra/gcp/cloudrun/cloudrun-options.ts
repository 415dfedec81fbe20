import type { GcpBackendOptions, GcpClientOptions } from '../shared/gcp-options.js';

/** `getExecutorService('cloudrun', { cloudrun })`: the options every GCP backend takes, nothing more. */
export type CloudRunBackendOptions = GcpBackendOptions;
export type CloudRunClientOptions = GcpClientOptions;

/** Where the staging bucket appears inside the job's container. */
export const STAGING_MOUNT = '/staging';
/** Name of the job's own container in the template (sidecars have their own names). */
export const MAIN_CONTAINER = 'job';
/** The in-memory volume the job shares with its sidecars. */
export const SHARED_MOUNT = '/shared';
