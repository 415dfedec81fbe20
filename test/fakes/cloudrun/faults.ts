/** The Cloud Run methods the fake serves, to plan faults on and count calls of. */
export type FakeMethod =
  | 'CreateJob' | 'GetJob' | 'ListJobs' | 'DeleteJob' | 'RunJob'
  | 'GetExecution' | 'ListExecutions' | 'CancelExecution' | 'DeleteExecution'
  | 'GetTask' | 'ListTasks' | 'GetOperation' | 'DeleteOperation';
