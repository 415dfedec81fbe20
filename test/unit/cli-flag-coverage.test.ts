import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPTIONAL_SETTINGS, RETRY_KEYS, TIMEOUT_KEYS } from '../../src/domain/execution-config.js';
import { EVERY_FLAG } from '../../src/app/cli/commands/index.js';
import { jobRequestFrom } from '../../src/app/cli/job-request.js';
import { Settings } from '../../src/app/cli/settings.js';

// Settings the CLI takes as global flags (the service's), not into executionConfig.
const SERVICE_LEVEL = new Set(['project', 'region', 'stagingBucket', 'serviceAccount']);
const SAMPLE: Record<string, string | string[] | boolean> = {
  image: 'busybox', name: 'job', timeout: '60', 'schedule-timeout': '30', 'download-timeout': '40',
  'max-attempts': '2', attempts: '3', 'schedule-attempts': '4', 'download-attempts': '5', cpu: '2', memory: '2g',
  'machine-type': 'n2-standard-4', 'accelerator-type': 'NVIDIA_TESLA_T4', 'accelerator-count': '1',
  'boot-disk-size': '60', 'boot-disk-type': 'pd-ssd', 'vpc-network': 'net', 'vpc-subnetwork': 'sub',
  label: ['team=data'], sidecar: ['proxy=busybox'], 'install-ops-agent': true,
};

describe('CLI: every execution setting of the SDK has a flag', () => {
  it('names a flag for each executionConfig key (and the service-level cloud settings)', () => {
    const fields = new Set(EVERY_FLAG.map((flag) => flag.field).filter((field) => field !== undefined));
    const wanted = [
      ...OPTIONAL_SETTINGS.map((key) => (SERVICE_LEVEL.has(key) ? key : `executionConfig.${key}`)),
      ...RETRY_KEYS.map((key) => `executionConfig.retry.${key}`),
      ...TIMEOUT_KEYS.map((key) => `executionConfig.timeout.${key}`),
    ];
    assert.deepEqual(wanted.filter((field) => !fields.has(field)), []);
  });

  it('puts each execution flag into the executionConfig the SDK gets', async () => {
    const { options } = await jobRequestFrom(new Settings(EVERY_FLAG, SAMPLE, {}, undefined), [], {});
    const config = options.executionConfig as Record<string, unknown> & { retry: object; timeout: object };
    assert.deepEqual(config.timeout, { timeoutSeconds: 60, timeoutSecondsSchedule: 30, timeoutSecondsDownload: 40 });
    assert.deepEqual(config.retry, { maxAttempts: 2, maxAttemptsExecute: 3, maxAttemptsSchedule: 4, maxAttemptsDownload: 5 });
    const set = OPTIONAL_SETTINGS.filter((key) => !SERVICE_LEVEL.has(key) && config[key] === undefined);
    assert.deepEqual(set, [], 'every executionConfig setting is filled by its flag');
  });
});
