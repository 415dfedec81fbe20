/**
 * Runs the GCS fake as its own process (benchmarks measure the SDK process alone). Prints one JSON line
 * `{ endpoint, root }` once listening; stops on SIGTERM/SIGINT or when stdin closes (the parent is gone).
 * Usage: node --import tsx test/fakes/gcs/gcs-fake-main.ts [bucket ...]
 */
import { startGcsFake } from './gcs-fake.js';

const fake = await startGcsFake();
for (const bucket of process.argv.slice(2)) fake.bucketDir(bucket);
process.stdout.write(`${JSON.stringify({ endpoint: fake.endpoint, root: fake.root })}\n`);

let closing: Promise<void> | undefined;
const stop = () => {
  closing ??= fake.close().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`gcs fake: close failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).resume();
