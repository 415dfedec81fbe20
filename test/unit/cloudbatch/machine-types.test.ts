import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeResourceOf, machineShapeOf } from '../../../src/infra/gcp/cloudbatch/machine-types.js';

describe('Cloud Batch machine types', () => {
  it('knows the shape of the predefined types of the common families', () => {
    assert.deepEqual(machineShapeOf('n2-standard-4'), { vcpus: 4, memoryMib: 16384 });
    assert.deepEqual(machineShapeOf('e2-highcpu-16'), { vcpus: 16, memoryMib: 16384 });
    assert.deepEqual(machineShapeOf('n2d-highmem-8'), { vcpus: 8, memoryMib: 65536 });
    assert.deepEqual(machineShapeOf('n1-standard-1'), { vcpus: 1, memoryMib: 3840 });
    assert.deepEqual(machineShapeOf('n1-highcpu-2'), { vcpus: 2, memoryMib: 1843 });
    assert.deepEqual(machineShapeOf('c2-standard-60'), { vcpus: 60, memoryMib: 245760 });
    assert.deepEqual(machineShapeOf('c3-highcpu-22'), { vcpus: 22, memoryMib: 45056 });
    assert.deepEqual(machineShapeOf('c3-standard-4-lssd'), { vcpus: 4, memoryMib: 16384 });
    assert.deepEqual(machineShapeOf('e2-medium'), { vcpus: 2, memoryMib: 4096 });
  });

  it('does not guess the others', () => {
    for (const type of ['a2-highgpu-1g', 'm1-ultramem-40', 'n2-custom-4-8192', 'c2-highmem-4', 'g2-standard-8', 'n2-standard', 'N2-STANDARD-4']) {
      assert.equal(machineShapeOf(type), undefined, type);
    }
  });

  it('gives the task the whole VM of a known type, explicit cpu/memory first, and warns about what it cannot place', () => {
    assert.deepEqual(computeResourceOf({ machineType: 'n2-highmem-2' }), { resource: { cpuMilli: 2000, memoryMib: 16384 }, warnings: [] });
    assert.deepEqual(computeResourceOf({ machineType: 'n2-standard-8', cpu: 2 }), { resource: { cpuMilli: 2000, memoryMib: 32768 }, warnings: [] });
    assert.deepEqual(computeResourceOf({ cpu: 0.5 }), { resource: { cpuMilli: 500 }, warnings: [] });
    assert.deepEqual(computeResourceOf({}), { resource: undefined, warnings: [] });
    const unknown = computeResourceOf({ machineType: 'a2-highgpu-1g' });
    assert.equal(unknown.resource, undefined);
    assert.match(unknown.warnings[0] ?? '', /'a2-highgpu-1g' are not known to smartjob: set `cpu` and `memoryGb`/);
    assert.deepEqual(computeResourceOf({ machineType: 'a2-highgpu-1g', cpu: 12, memoryGb: 85 }), { resource: { cpuMilli: 12000, memoryMib: 87040 }, warnings: [] });
    assert.match(computeResourceOf({ machineType: 'e2-standard-2', memoryGb: 16 }).warnings[0] ?? '', /more than a e2-standard-2 VM has \(2 vCPUs, 8192 MiB\)/);
  });
});
