/**
 * Exits once everything written to stdout and stderr has been handed to the OS. `process.exit()` alone drops
 * what a pipe has not taken yet (a reader slower than the writer got 64 KiB of a 200 KB result).
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/** Writes are handed over in order: the callback of an empty write runs once every earlier one is done. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}
