import { ExecutorService } from '../../src/domain/services/executor.service.js';
import { NodeLocalFilesAdapter } from '../../src/infra/local/node-local-files.adapter.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { InMemoryExecutor } from '../fakes/in-memory-executor.js';
import { InMemoryStorage } from '../fakes/in-memory-storage.js';

/** A service over in-memory ports; jobs exit 0 at once unless the test says otherwise. */
export function harness(maxWorkers = 4) {
  const executor = new InMemoryExecutor();
  executor.autoFinish = () => ({ exitCode: 0 });
  const storage = new InMemoryStorage();
  const logger = new RecordingLogger();
  const service = new ExecutorService({ executor, storage, localFiles: new NodeLocalFilesAdapter(), logger, maxWorkers });
  return { executor, storage, logger, service };
}

export const job = { name: 'unit', dockerImage: 'example/image:1' } as const;
