import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendError, BackendUnavailableError, NotFoundError, PermissionDeniedError, SchedulingError } from '../../../src/domain/errors.js';
import { GrpcCode, grpcCodeIn, translateGaxError } from '../../../src/infra/gcp/shared/gax-errors.js';

const gax = (code: number, details = 'server says so') => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('translateGaxError', () => {
  it('calls an unknown failure of a launch a SchedulingError and of any other call a BackendError', () => {
    const launch = translateGaxError(gax(GrpcCode.INVALID_ARGUMENT), 'starting x', 'launch');
    assert.ok(launch instanceof SchedulingError && !launch.retryable);
    const list = translateGaxError(gax(GrpcCode.INVALID_ARGUMENT), 'listing executions');
    assert.ok(list instanceof BackendError && !list.retryable, String(list));
    assert.equal(list.message, 'failed while listing executions: server says so');
    const throttled = translateGaxError(gax(GrpcCode.RESOURCE_EXHAUSTED), 'listing executions');
    assert.ok(throttled instanceof BackendError && throttled.retryable);
  });

  it('keeps the original as cause, so its gRPC code can still be read', () => {
    const original = gax(GrpcCode.NOT_FOUND);
    const translated = translateGaxError(original, 'reading x');
    assert.ok(translated instanceof NotFoundError);
    assert.equal(translated.cause, original);
    assert.equal(grpcCodeIn(translated), GrpcCode.NOT_FOUND);
  });

  it('never turns an auth failure into anything else, and says UNAVAILABLE is worth a retry', () => {
    assert.ok(translateGaxError(gax(GrpcCode.UNAUTHENTICATED), 'x') instanceof PermissionDeniedError);
    assert.ok(translateGaxError(gax(GrpcCode.PERMISSION_DENIED), 'x', 'launch') instanceof PermissionDeniedError);
    assert.ok(translateGaxError(gax(GrpcCode.UNAVAILABLE), 'x') instanceof BackendUnavailableError);
  });
});
