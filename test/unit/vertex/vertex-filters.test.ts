import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { executionIdsFilter, jobStateOf, listFilterOf } from '../../../src/infra/gcp/vertex/vertex-filters.js';

const id = `labels.${RECORD_KEYS.executionId}`;

describe('Vertex ListCustomJobs filters', () => {
  it('names every awaited execution by its label', () => {
    assert.equal(executionIdsFilter(['a1', 'b2']), `${id}="a1" OR ${id}="b2"`);
  });

  it('selects smartjob jobs by namespace, name and the JobStates of the states asked', () => {
    assert.equal(listFilterOf({}), `labels.${RECORD_KEYS.managed}="true"`);
    assert.equal(
      listFilterOf({ namespace: 'ns', name: 'train', states: ['SUCCEEDED', 'TIMED_OUT', 'FAILED'] }),
      `labels.${RECORD_KEYS.managed}="true" AND labels.${RECORD_KEYS.namespace}="ns" AND labels.${RECORD_KEYS.name}="train"`
        + ' AND (state="JOB_STATE_SUCCEEDED" OR state="JOB_STATE_FAILED" OR state="JOB_STATE_EXPIRED" OR state="JOB_STATE_PARTIALLY_SUCCEEDED")',
    );
    assert.match(listFilterOf({ states: ['RUNNING'] }) ?? '', /\(state="JOB_STATE_RUNNING" OR state="JOB_STATE_UPDATING" OR state="JOB_STATE_CANCELLING"\)$/);
  });

  it('asks nothing when nothing can match, rather than send a value no label holds', () => {
    assert.equal(listFilterOf({ states: [] }), undefined);
    assert.equal(listFilterOf({ namespace: 'has "quotes"' }), undefined);
    assert.equal(listFilterOf({ name: '' }), undefined);
  });

  it('reads a state given by name or by number', () => {
    assert.deepEqual([jobStateOf('JOB_STATE_RUNNING'), jobStateOf(5), jobStateOf('NOPE'), jobStateOf(undefined)], [
      'JOB_STATE_RUNNING', 'JOB_STATE_FAILED', 'JOB_STATE_UNSPECIFIED', 'JOB_STATE_UNSPECIFIED',
    ]);
  });
});
