/** Options of a write. */
export interface WriteOptions {
  /** Fail with a StorageError instead of replacing an existing object. @default false */
  readonly ifAbsent?: boolean;
  readonly signal?: AbortSignal;
}

/** Options of a whole read. */
export interface ReadOptions {
  /** A larger object is a StorageError (not retryable) that says so; no more than this is ever held in memory. @default no limit */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

/** Which execution directories `listExecutionDirectories` returns. */
export interface ExecutionDirectoryQuery {
  /** Only directories whose first segment (`<namespace>-<name>`) starts with this. @default '' */
  readonly prefix?: string;
  /** Only the directory of this execution (its last segment). @default any */
  readonly executionId?: string;
  /** Only directories in which nothing (the directory itself or anything under it) was modified since. @default no limit */
  readonly modifiedBefore?: Date;
  readonly signal?: AbortSignal;
}

/**
 * The staging area: inputs, staged scripts and outputs of every execution. Paths are relative to the
 * staging root, '/'-separated; a path with a `..` or `.` segment, or absolute, is refused.
 */
export interface StoragePort {
  /** The URI a person or program can use to reach `path` (`file:///…`, `gs://…`, `docker-volume://…`). */
  location(path: string): string;
  /** Makes `path` exist as a directory (a directory marker where directories are not native). */
  createDirectory(path: string): Promise<void>;
  writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void>;
  /** Streams a local file; never holds it whole in memory. */
  writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void>;
  /**
   * Throws a ConfigurationError when copyFromGcs cannot work as configured (e.g. no Cloud Storage access
   * for a local staging area); the service calls it before anything is staged. Absent: copies always can.
   */
  checkCopyFromGcs?(): void;
  /** Streams `data` into `path`; never holds it whole in memory. */
  writeStream(path: string, data: AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<void>;
  /** Copies a `gs://bucket/object` (server-side where the staging area is GCS). */
  copyFromGcs(path: string, gcsUri: string, options?: WriteOptions): Promise<void>;
  /** The object's bytes, or undefined when it does not exist; a directory is a StorageError. Meant for small files (smartjob.json). */
  read(path: string, options?: ReadOptions): Promise<Uint8Array | undefined>;
  /** The object's content as a stream, or undefined when it does not exist; a directory is a StorageError. */
  readStream(path: string, options?: { readonly signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array> | undefined>;
  /**
   * Execution directories (the paths four segments deep: `<namespace>-<name>/<YYYY-MM-DD>/<HHMM>/<id>`) that
   * match `query`, sorted.
   */
  listExecutionDirectories(query?: ExecutionDirectoryQuery): Promise<readonly string[]>;
  /** Removes `path` and everything under it, then the ancestors that this leaves empty (never the root); absent is fine. */
  remove(path: string): Promise<void>;
  /** Releases what the adapter holds (helper containers, clients). Optional. */
  dispose?(): Promise<void>;
}
