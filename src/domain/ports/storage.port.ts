/** Options of a write. */
export interface WriteOptions {
  /** Fail with a StorageError instead of replacing an existing object. @default false */
  readonly ifAbsent?: boolean;
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
  /** Copies a `gs://bucket/object` (server-side where the staging area is GCS). */
  copyFromGcs(path: string, gcsUri: string, options?: WriteOptions): Promise<void>;
  /** The object's bytes, or undefined when it does not exist. Meant for small files (smartjob.json). */
  read(path: string, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  /** Removes `path` and everything under it; absent is fine. */
  remove(path: string): Promise<void>;
  /** Releases what the adapter holds (helper containers, clients). Optional. */
  dispose?(): Promise<void>;
}
