/** Read-only look at the caller's own file system, so bad paths are refused before anything is staged. */
export interface LocalFilesPort {
  /** The file's size, or undefined when `path` is not a readable regular file. */
  statFile(path: string): Promise<{ readonly size: number } | undefined>;
  basename(path: string): string;
}
