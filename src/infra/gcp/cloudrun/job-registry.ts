import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { CloudRunApi, RunJob } from './cloudrun-api.js';

/**
 * Makes sure the Cloud Run Job of a definition exists, creating it only when GetJob says it does not (any
 * other error surfaces). A concurrent creator winning the race (ALREADY_EXISTS) is fine: the id is derived
 * from the definition, so its job is ours too.
 */
export class JobRegistry {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly api: CloudRunApi, private readonly logger: LoggerPort) {}

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

  /**
   * After a refused RunJob: deletes the Job when no execution uses it (cleanup removes a Job only with its last
   * execution, so one without any would stay forever). Never throws: the refusal is the error worth reporting.
   */
  async discardIfUnused(jobName: string): Promise<void> {
    try {
      if (await this.api.hasExecutions(jobName)) return;
      this.forget(jobName);
      await this.api.deleteJob(jobName); // a concurrent launch then finds it missing and creates it again
      this.logger.info(`deleted Cloud Run job ${jobName}: its run was refused and it has no execution`);
    } catch (error) {
      this.logger.warn(`could not delete Cloud Run job ${jobName} after its run was refused: ${String(error)}`);
    }
  }

  private async check(jobName: string, build: () => RunJob): Promise<void> {
    if (await this.api.getJob(jobName)) return;
    if ((await this.api.createJob(jobName, build())) === 'created') this.logger.info(`created Cloud Run job ${jobName}`);
    else this.logger.debug(`Cloud Run job ${jobName} was created concurrently; using it`);
  }
}
