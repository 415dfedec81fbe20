import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRecord, RECORD_KEYS, recordOf } from '../../../src/infra/shared/execution-record.js';
import { launchSpec } from '../../support/launch-spec.js';

/** GCP label rules: keys start with a lowercase letter; keys and values lowercase [a-z0-9_-], at most 63 characters. */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('execution record codec', () => {
  it('round-trips every field, the staging directory derived from the others', () => {
    const spec = launchSpec({ name: 'a-very-long-job-name-that-fills-forty-ch', namespace: 'namespace-of-twenty1' }, { timeout: { timeoutSeconds: 1.5 } });
    assert.deepEqual(parseRecord(recordOf(spec)), {
      executionId: spec.executionId,
      jobNamespace: 'namespace-of-twenty1',
      jobName: 'a-very-long-job-name-that-fills-forty-ch',
      created: spec.created,
      timeoutSeconds: 1.5,
      baseDir: spec.baseDir,
    });
    assert.equal(spec.baseDir, 'namespace-of-twenty1-a-very-long-job-name-that-fills-forty-ch/2026-01-02/0304/0123456789abcdef');
  });

  it('fits GCP label rules and environment variable names, for every backend alike', () => {
    const record = recordOf(launchSpec({ name: 'a-very-long-job-name-that-fills-forty-ch', namespace: 'namespace-of-twenty1' }, { timeout: { timeoutSeconds: 604_800 } }));
    for (const [key, value] of Object.entries(record)) {
      assert.match(key, LABEL_KEY);
      assert.match(key, ENV_NAME);
      assert.match(value, LABEL_VALUE, `${key}=${value}`);
    }
    assert.deepEqual(Object.keys(record).sort(), Object.values(RECORD_KEYS).sort());
  });

  it('is all or nothing: a partial or damaged record is no record, other keys are ignored', () => {
    const record = recordOf(launchSpec());
    assert.ok(parseRecord({ ...record, team: 'data', PATH: '/bin' }));
    assert.equal(parseRecord(undefined), undefined);
    for (const key of Object.values(RECORD_KEYS)) {
      const { [key]: _dropped, ...partial } = record;
      assert.equal(parseRecord(partial), undefined, `without ${key}`);
    }
    const damaged: Record<string, string>[] = [
      { [RECORD_KEYS.managed]: 'false' },
      { [RECORD_KEYS.executionId]: 'Not An Id' },
      { [RECORD_KEYS.namespace]: 'UPPER' },
      { [RECORD_KEYS.name]: 'x'.repeat(41) },
      { [RECORD_KEYS.created]: '2026-01-02T03:04:05Z' },
      { [RECORD_KEYS.created]: '99999999999999999' },
      { [RECORD_KEYS.timeout]: '0' },
      { [RECORD_KEYS.timeout]: '1.5' },
    ];
    for (const change of damaged) assert.equal(parseRecord({ ...record, ...change }), undefined, JSON.stringify(change));
  });
});
