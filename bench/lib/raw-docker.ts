import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { BUSYBOX, RAW_LABEL } from './context.js';

const MOUNT = '/staging';
let seq = 0;

/**
 * The floor: what a careful hand-written dockerode caller does for one job. Same container options as
 * DockerExecutorAdapter.containerSpec (name, labels, Init, network none, bind mount of the staging dir),
 * start then wait('not-running') (returns at once if it already exited), then remove.
 */
export async function rawRun(docker: Docker, namespace: string, stagingDir: string, cmd: readonly string[], env: readonly string[] = []): Promise<number> {
  const id = `${process.pid}-${++seq}`;
  const container = await docker.createContainer({
    name: `smartjob-bench-raw-${namespace}-${id}`,
    Image: BUSYBOX,
    Cmd: [...cmd],
    Env: [...env],
    Labels: { [RAW_LABEL]: namespace, 'smartjob-bench.id': id },
    HostConfig: { Init: true, NetworkMode: 'none', Binds: [`${stagingDir}:${MOUNT}`] },
  });
  await container.start();
  const { StatusCode } = (await container.wait({ condition: 'not-running' })) as { StatusCode: number };
  await container.remove();
  return StatusCode;
}

/**
 * Variant a': the same sh job as the SDK's JSON-input variant, with the file work a caller would do by hand:
 * make input/ and output/, write in.json, run, read smartjob.json back.
 */
export async function rawRunWithJson(docker: Docker, namespace: string, stagingDir: string, value: unknown): Promise<unknown> {
  const dir = `raw/${process.pid}-${++seq}`;
  await Promise.all([mkdir(join(stagingDir, dir, 'input'), { recursive: true }), mkdir(join(stagingDir, dir, 'output'), { recursive: true })]);
  await writeFile(join(stagingDir, dir, 'input', 'in.json'), JSON.stringify(value));
  const env = [`INPUT_PATH=${MOUNT}/${dir}/input`, `OUTPUT_PATH=${MOUNT}/${dir}/output`];
  const code = await rawRun(docker, namespace, stagingDir, COPY_JSON_CMD, env);
  if (code !== 0) throw new Error(`raw json job exited with ${code}`);
  return JSON.parse(await readFile(join(stagingDir, dir, 'output', 'smartjob.json'), 'utf8'));
}

export const COPY_JSON_CMD = ['sh', '-c', 'cp $INPUT_PATH/in.json $OUTPUT_PATH/smartjob.json'] as const;
