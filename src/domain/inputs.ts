import { ValidationError } from './errors.js';

/** Bytes (or UTF-8 text) written as `filename` in the execution's input directory. */
export class BytesInput {
  readonly kind = 'bytes' as const;
  constructor(readonly filename: string, readonly content: Uint8Array | string) {}
}

/** A JSON-serialisable value written as `filename`. */
export class JsonInput {
  readonly kind = 'json' as const;
  constructor(readonly filename: string, readonly value: unknown) {}
}

/** A local file, streamed (never read whole) into the input directory. */
export class LocalPathInput {
  readonly kind = 'localPath' as const;
  constructor(readonly filename: string, readonly localPath: string) {}
}

/** An object in Google Cloud Storage, `gs://bucket/path`, copied into the input directory. */
export class GcsInput {
  readonly kind = 'gcs' as const;
  constructor(readonly filename: string, readonly gcsUri: string) {}
}

export type Input = BytesInput | JsonInput | LocalPathInput | GcsInput;

const GCS_URI = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]\/.+$/;

/** Checks every input and that no two share a filename; `reserved` names are taken by the SDK. */
export function validateInputs(inputs: unknown, reserved: readonly string[] = []): readonly Input[] {
  if (inputs === undefined) return [];
  if (!Array.isArray(inputs)) throw new ValidationError('inputs', 'must be an array of inputs', inputs);
  const seen = new Set(reserved);
  inputs.forEach((input: unknown, i) => {
    const field = `inputs[${i}]`;
    const known = [BytesInput, JsonInput, LocalPathInput, GcsInput].some((cls) => input instanceof cls);
    if (!known) throw new ValidationError(field, 'must be a BytesInput, JsonInput, LocalPathInput or GcsInput');
    const { filename } = input as Input;
    validateFilename(`${field}.filename`, filename);
    if (seen.has(filename)) throw new ValidationError(`${field}.filename`, 'must be unique among the inputs and the staged script', filename);
    seen.add(filename);
    validateContent(field, input as Input);
  });
  return inputs as Input[];
}

export function validateFilename(field: string, filename: unknown): void {
  if (typeof filename !== 'string' || filename === '' || filename === '.' || filename === '..' || filename.includes('/') || filename.includes('\0')) {
    throw new ValidationError(field, "must be a file name without '/' and not '.' or '..'", filename);
  }
}

function validateContent(field: string, input: Input): void {
  switch (input.kind) {
    case 'bytes':
      if (!(typeof input.content === 'string' || input.content instanceof Uint8Array)) {
        throw new ValidationError(`${field}.content`, 'must be a Uint8Array or a string');
      }
      return;
    case 'json':
      if (input.value === undefined || typeof input.value === 'function') {
        throw new ValidationError(`${field}.value`, 'must be JSON-serialisable');
      }
      return;
    case 'localPath':
      if (typeof input.localPath !== 'string' || input.localPath === '') {
        throw new ValidationError(`${field}.localPath`, 'must be a non-empty path', input.localPath);
      }
      return;
    case 'gcs':
      if (typeof input.gcsUri !== 'string' || !GCS_URI.test(input.gcsUri)) {
        throw new ValidationError(`${field}.gcsUri`, 'must look like gs://bucket/path/to/object', input.gcsUri);
      }
      return;
  }
}
