/** Stable machine-readable error codes; the message is for people. */
export type SmartJobErrorCode =
  | 'VALIDATION'
  | 'CONFIGURATION'
  | 'SCHEDULING'
  | 'IMAGE_UNAVAILABLE'
  | 'BACKEND_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'NOT_SUPPORTED'
  | 'STORAGE'
  | 'PERMISSION_DENIED'
  | 'BACKEND';

/**
 * Base of every error the SDK throws. A job's own failure is a result, never one of these. Every subclass
 * takes the standard `cause` (ErrorOptions): the error it translates.
 */
export class SmartJobError extends Error {
  readonly code: SmartJobErrorCode;
  constructor(code: SmartJobErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: names the field and the rule it broke. */
export class ValidationError extends SmartJobError {
  readonly field: string;
  constructor(field: string, rule: string, got?: unknown, options?: ErrorOptions) {
    const suffix = arguments.length > 2 ? `, got ${describe(got)}` : '';
    super('VALIDATION', `\`${field}\` ${rule}${suffix}`, options);
    this.field = field;
  }
}

/** A setting the backend needs is missing or wrong (names the setting and its env variable). */
export class ConfigurationError extends SmartJobError {
  readonly setting: string;
  constructor(setting: string, message: string, options?: ErrorOptions) {
    super('CONFIGURATION', message, options);
    this.setting = setting;
  }
}

/** The backend could not start the execution. `retryable` marks transient causes. */
export class SchedulingError extends SmartJobError {
  readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions & { readonly retryable?: boolean }) {
    super('SCHEDULING', message, options);
    this.retryable = options?.retryable ?? false;
  }
}

export class ImageUnavailableError extends SmartJobError {
  readonly image: string;
  constructor(image: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('IMAGE_UNAVAILABLE', `image '${image}' is not present and could not be pulled${reason}`, options);
    this.image = image;
  }
}

/** The backend (daemon, API) cannot be reached or answered with a transient error. */
export class BackendUnavailableError extends SmartJobError {
  readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}

export class NotFoundError extends SmartJobError {
  readonly resource: string;
  constructor(resource: string, message?: string, options?: ErrorOptions) {
    super('NOT_FOUND', message ?? `${resource} was not found`, options);
    this.resource = resource;
  }
}

export class NotSupportedError extends SmartJobError {
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_SUPPORTED', message, options);
  }
}

export class StorageError extends SmartJobError {
  readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions & { readonly retryable?: boolean }) {
    super('STORAGE', message, options);
    this.retryable = options?.retryable ?? false;
  }
}

export class PermissionDeniedError extends SmartJobError {
  constructor(message: string, options?: ErrorOptions) {
    super('PERMISSION_DENIED', message, options);
  }
}

/**
 * The backend failed a call that is not a launch (list, inspect, cancel, delete) for a reason no other
 * class names. `retryable` marks transient causes.
 */
export class BackendError extends SmartJobError {
  readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions & { readonly retryable?: boolean }) {
    super('BACKEND', message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/** True for errors worth another attempt (transient backend or storage trouble). */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // circular values: JSON cannot describe them, String can
  }
}
