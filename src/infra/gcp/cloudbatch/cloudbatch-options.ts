import { ValidationError } from '../../../domain/errors.js';
import { checkGcpOptions, type GcpBackendOptions, type ResolvedGcpOptions } from '../shared/gcp-options.js';

/** `getExecutorService('cloudbatch', { cloudbatch })`: the options every GCP backend takes, and Batch's own. */
export interface CloudBatchBackendOptions extends GcpBackendOptions {
  /**
   * Job VMs get no external IP address (Batch's `noExternalIpAddress`), as projects whose policy forbids them
   * need. The job's network must then let the VMs pull the image and reach Google APIs (Cloud NAT, Private Google
   * Access). @default false
   */
  readonly noExternalIpAddress?: boolean;
}

/** What the adapter is built from, besides the options of every GCP backend. */
export interface ResolvedCloudBatchOptions extends ResolvedGcpOptions {
  readonly noExternalIpAddress: boolean;
}

/** Where the staging bucket is mounted on the VM (Batch mounts GCS volumes on the host). */
export const VM_STAGING_MOUNT = '/mnt/disks/staging';
/** Where the job's container sees it. */
export const STAGING_MOUNT = '/staging';
/** A directory of the VM the job shares with its sidecars, at /shared in each container. */
export const VM_SHARED_DIR = '/mnt/disks/shared';
export const SHARED_MOUNT = '/shared';

/** Checks the values given (types, formats) without requiring any: a cached service already has its settings. */
export function checkCloudBatchOptions(options: CloudBatchBackendOptions): void {
  checkGcpOptions(options);
  if (options.noExternalIpAddress !== undefined && typeof options.noExternalIpAddress !== 'boolean') {
    throw new ValidationError('noExternalIpAddress', 'must be a boolean', options.noExternalIpAddress);
  }
}
