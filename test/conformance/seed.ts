import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GcsFake } from '../fakes/gcs/gcs-fake.js';

/** Puts one object in the fake's `inputs` bucket (as a file: the fake stores objects as files). */
export async function seedGcsObject(gcs: GcsFake): Promise<{ uri: string; content: string }> {
  const dir = join(gcs.bucketDir('smartjob-inputs'), 'datasets');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'hello.txt'), 'hello from gcs');
  return { uri: 'gs://smartjob-inputs/datasets/hello.txt', content: 'hello from gcs' };
}
