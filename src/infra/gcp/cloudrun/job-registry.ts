import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import { GrpcCode, hasGrpcCode, translateGaxError } from '../gax-errors.js';
import type { CloudRunClients, RunJob } from './cloudrun-clients.js';

/**
 * Makes sure the Cloud Run Job of a definition exists, creating it only when GetJob says NOT_FOUND
 * (any other error surfaces). A concurrent creator winning the race (ALREADY_EXISTS) is fine: the id is
 * derived from the definition, so its job is ours too.
 */
export class JobRegistry {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly clients: () => Promise<CloudRunClients>, private readonly logger: LoggerPort) {}

  /** Concurrent callers for one job share one check; a failed check is not cached. */
  ensure(jobName: string, build: () => RunJob): Promise<void> {
    let ready = this.ready.get(jobName);
    if (!ready) {
      ready = this.check(jobName, build);
      this.ready.set(jobName, ready);
      ready.catch(() => this.ready.delete(jobName)); // the caller gets the error; the next launch checks again
    }
    return ready;
  }

  /** The job was deleted (by a cleanup here or elsewhere): check again next time. */
  forget(jobName: string): void {
    this.ready.delete(jobName);
  }

  private async check(jobName: string, build: () => RunJob): Promise<void> {
    const { jobs } = await this.clients();
    try {
      await jobs.getJob({ name: jobName });
      return;
    } catch (error) {
      if (!hasGrpcCode(error, GrpcCode.NOT_FOUND)) throw translateGaxError(error, `reading Cloud Run job ${jobName}`, 'launch');
    }
    const slash = jobName.lastIndexOf('/jobs/');
    const parent = jobName.slice(0, slash);
    const jobId = jobName.slice(slash + '/jobs/'.length);
    try {
      const [operation] = await jobs.createJob({ parent, jobId, job: build() });
      await operation.promise();
      this.logger.info(`created Cloud Run job ${jobName}`);
    } catch (error) {
      if (hasGrpcCode(error, GrpcCode.ALREADY_EXISTS)) {
        this.logger.debug(`Cloud Run job ${jobName} was created concurrently; using it`);
        return;
      }
      throw translateGaxError(error, `creating Cloud Run job ${jobName}`, 'launch');
    }
  }
}
