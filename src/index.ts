// The public API, listed explicitly: what is not here is internal.
export { getExecutorService, type GetExecutorServiceOptions } from './app/executor-factory.js';
export { ExecutorService, type AttachOptions, type CleanupOptions, type Scheduled } from './domain/services/executor.service.js';
export type { RunOptions, ScheduleOptions } from './domain/services/plan.js';
export type { MapItem, MapOptions, MapOutcome } from './domain/services/map-runs.js';
export type { ItemSource } from './domain/services/fan-out.js';
export type { ArrayOptions, ArrayResult } from './domain/services/run-array.js';
export type {
  ExecutionEvent,
  ExecutionEventListener,
  ExecutionEventMap,
  ExecutionEventType,
  FinishedEvent,
  RetryingEvent,
  ScheduledEvent,
  StartedEvent,
} from './domain/services/execution-events.js';
export type { SmartJob } from './domain/job.js';
export { BytesInput, GcsInput, JsonInput, LocalPathInput, type Input } from './domain/inputs.js';
export type { ExecutionConfig, RetryConfig, TimeoutConfig, SidecarContainer } from './domain/execution-config.js';
export type { ExecutionResult, ExecutionStatus, SchedulingDetails, TaskResult, TaskStatus } from './domain/result.js';
export type { ExecutionState, FinalState } from './domain/execution.js';
export type { BackendType } from './domain/backend-type.js';
export type { ListFilter, LogLine, LogOptions } from './domain/ports/executor.port.js';
export type { LoggerPort } from './domain/ports/logger.port.js';
export type { DockerBackendOptions, DockerStaging } from './infra/docker/docker-options.js';
export type { PullPolicy } from './infra/docker/docker-image.js';
export type { GcpBackendOptions, GcpClientOptions } from './infra/gcp/shared/gcp-options.js';
export type { CloudRunBackendOptions } from './infra/gcp/cloudrun/cloudrun-options.js';
export type { CloudBatchBackendOptions } from './infra/gcp/cloudbatch/cloudbatch-options.js';
export type { VertexBackendOptions } from './infra/gcp/vertex/vertex-options.js';
export type { GcsClientOptions } from './infra/gcp/gcs/gcs-client.js';
export {
  BackendError,
  BackendUnavailableError,
  ConfigurationError,
  ImageUnavailableError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  SchedulingError,
  SmartJobError,
  StorageError,
  ValidationError,
  type SmartJobErrorCode,
} from './domain/errors.js';
