import { afterEach, beforeEach } from 'node:test';
import { GCP_ENV } from '../../src/infra/gcp/shared/gcp-settings.js';

/** Each test of the suite starts without the SMARTJOB_* GCP variables; they are put back after it. */
export function withoutGcpEnv(): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of Object.values(GCP_ENV)) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
