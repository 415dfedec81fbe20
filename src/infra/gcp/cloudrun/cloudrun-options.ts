import { TASK_INDEX_ENV } from '../../../domain/services/array-tasks.js';
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

/** In the env of a native array's execution: any process then tells an array from a single run by its id alone. */
export const ARRAY_MARKER = 'smartjob_array';

/**
 * The job container's command in a native array's Job. Cloud Run gives every task one env (and expands no
 * variable references), so a shell sets each task's SMARTJOB_TASK_INDEX and OUTPUT_PATH (`<OUTPUT_PATH>/tasks/
 * <index>`, the domain's taskOutputDir) from CLOUD_RUN_TASK_INDEX, then execs the run's args ("$@"): the
 * image needs `sh`, and the command must come as args (it replaces the image's ENTRYPOINT and CMD).
 */
export const TASK_WRAPPER: readonly string[] = [
  'sh', '-c', `export ${TASK_INDEX_ENV}="$CLOUD_RUN_TASK_INDEX" OUTPUT_PATH="$OUTPUT_PATH/tasks/$CLOUD_RUN_TASK_INDEX"; exec "$@"`, 'smartjob-task',
];
