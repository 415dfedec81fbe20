/** Every DI token of the composition root, in one place. */
export const TOKENS = {
  Executor: Symbol('ExecutorPort'),
  Storage: Symbol('StoragePort'),
  LocalFiles: Symbol('LocalFilesPort'),
  Logger: Symbol('LoggerPort'),
  DockerClient: Symbol('Dockerode'),
} as const;
