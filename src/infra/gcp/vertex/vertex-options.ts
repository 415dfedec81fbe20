import type { GcpBackendOptions, GcpClientOptions } from '../shared/gcp-options.js';

/** `getExecutorService('vertex', { vertex })`: the options every GCP backend takes, nothing more. */
export type VertexBackendOptions = GcpBackendOptions;
export type VertexClientOptions = GcpClientOptions;

/** Where Vertex AI shows Cloud Storage in the container (Cloud Storage FUSE): `/gcs/<bucket>/<object path>`. */
export const GCS_FUSE_ROOT = '/gcs';
/** The machine of a job that names none: 4 vCPUs, 15 GB of memory. */
export const DEFAULT_MACHINE_TYPE = 'n1-standard-4';
/** DiskSpec.boot_disk_type values (machine_resources.proto); Vertex's default is pd-ssd. */
export const BOOT_DISK_TYPES: readonly string[] = ['pd-ssd', 'pd-standard', 'hyperdisk-balanced'];

/** Vertex serves each region at its own endpoint: the global one does not know regional resources. */
export function regionalEndpoint(region: string): string {
  return `${region}-aiplatform.googleapis.com`;
}
