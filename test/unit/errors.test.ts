import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BackendError,
  BackendUnavailableError,
  ConfigurationError,
  ImageUnavailableError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  SchedulingError,
  SmartJobError,
  StorageError,
  ValidationError,
} from '../../src/index.js';

describe('domain errors', () => {
  it('every one takes the standard cause', () => {
    const cause = new Error('the SDK said no');
    const errors: SmartJobError[] = [
      new ValidationError('field', 'must be x', 'y', { cause }),
      new ConfigurationError('project', 'needs a project', { cause }),
      new SchedulingError('could not start', { cause }),
      new ImageUnavailableError('img', { cause }),
      new BackendUnavailableError('down', { cause }),
      new NotFoundError('execution x', undefined, { cause }),
      new NotSupportedError('no logs', { cause }),
      new StorageError('no space', { cause }),
      new PermissionDeniedError('denied', { cause }),
      new BackendError('list failed', { cause }),
    ];
    for (const error of errors) assert.equal(error.cause, cause, error.name);
    assert.equal(new ValidationError('field', 'must be x', 'y', { cause }).message, "`field` must be x, got 'y'");
  });

  it('BackendError has the code BACKEND and says whether a retry may help', () => {
    const error = new BackendError('list failed', { retryable: true });
    assert.equal(error.code, 'BACKEND');
    assert.equal(error.name, 'BackendError');
    assert.equal(error.retryable, true);
    assert.equal(new BackendError('x').retryable, false);
  });
});
