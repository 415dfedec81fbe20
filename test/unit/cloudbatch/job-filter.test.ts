import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitedJobsFilter, executionFilter, listJobsFilter, MAX_IDS_PER_FILTER } from '../../../src/infra/gcp/cloudbatch/job-filter.js';
import { compileFilter, labelField } from '../../fakes/shared/list-filter.js';

/** The fake's parser, on label fields and status.state: a filter it refuses would be refused by the fake server too. */
const parses = (filter: string) => compileFilter<{ labels: Record<string, string>; state: string }>(filter, (name) =>
  labelField(name, (r) => r.labels) ?? (name === 'status.state' ? { ops: ['='], get: (r) => r.state } : undefined));

describe('Cloud Batch list filters', () => {
  it('names a few awaited executions one by one', () => {
    const filter = awaitedJobsFilter([{ executionId: 'a1', namespace: 'ns' }, { executionId: 'b2', namespace: undefined }]);
    assert.equal(filter, 'labels.smartjob="true" AND (labels.smartjob_execution_id="a1" OR labels.smartjob_execution_id="b2")');
    assert.equal(executionFilter('a1'), 'labels.smartjob="true" AND labels.smartjob_execution_id="a1"');
    const match = parses(filter);
    assert.ok(match({ labels: { smartjob: 'true', smartjob_execution_id: 'b2' }, state: 'RUNNING' }));
    assert.ok(!match({ labels: { smartjob: 'true', smartjob_execution_id: 'c3' }, state: 'RUNNING' }));
  });

  it('stays bounded for many: by namespace when every one is known, else every smartjob job', () => {
    const many = Array.from({ length: MAX_IDS_PER_FILTER + 1 }, (_, i) => ({ executionId: `id${i}`, namespace: i % 2 ? 'a' : 'b' }));
    assert.equal(awaitedJobsFilter(many), 'labels.smartjob="true" AND (labels.smartjob_namespace="b" OR labels.smartjob_namespace="a")');
    assert.equal(awaitedJobsFilter([...many, { executionId: 'x', namespace: undefined }]), 'labels.smartjob="true"');
    const namespaces = Array.from({ length: MAX_IDS_PER_FILTER + 1 }, (_, i) => ({ executionId: `id${i}`, namespace: `ns${i}` }));
    assert.equal(awaitedJobsFilter(namespaces), 'labels.smartjob="true"');
  });

  it('lists by namespace, name and the Batch states behind the smartjob states', () => {
    assert.equal(listJobsFilter({}), 'labels.smartjob="true"');
    const filter = listJobsFilter({ namespace: 'ns', name: 'train', states: ['PENDING', 'FAILED', 'TIMED_OUT'] });
    assert.equal(filter, 'labels.smartjob="true" AND labels.smartjob_namespace="ns" AND labels.smartjob_name="train" AND (status.state="QUEUED" OR status.state="SCHEDULED" OR status.state="FAILED")');
    assert.ok(parses(filter)({ labels: { smartjob: 'true', smartjob_namespace: 'ns', smartjob_name: 'train' }, state: 'SCHEDULED' }));
  });
});
