import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import type { ServiceConfig } from '../support/service-config.js';

/** What a backend gives the conformance suite. */
export interface BackendUnderTest {
  readonly config: ServiceConfig;
  readonly service: ExecutorService;
  /** An object GcsInput can copy, and its content. */
  readonly gcsObject: { readonly uri: string; readonly content: string };
  /** Backend objects of this test process still present (containers, executions…), by name. */
  leftovers(): Promise<readonly string[]>;
  /** Every staged path (relative to the staging root), to prove bad input staged nothing. */
  stagedPaths(): Promise<readonly string[]>;
  close(): Promise<void>;
}
