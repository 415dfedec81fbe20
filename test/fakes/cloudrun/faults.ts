import type { FailNextOptions as SharedFailNextOptions } from '../shared/faults.js';

export type FakeMethod =
  | 'CreateJob' | 'GetJob' | 'ListJobs' | 'DeleteJob' | 'RunJob'
  | 'GetExecution' | 'ListExecutions' | 'CancelExecution' | 'DeleteExecution'
  | 'GetTask' | 'ListTasks' | 'GetOperation' | 'DeleteOperation';

export type FailNextOptions = SharedFailNextOptions<FakeMethod>;
