import Docker from 'dockerode';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';

export const BUSYBOX_IMAGE = 'smartjob-test/busybox:local';
export const NODE_IMAGE = 'smartjob-test/node:local';
export const PYTHON_IMAGE = 'smartjob-test/python:local';
/** A namespace per test process, so a suite's leak check only sees its own containers. */
export const TEST_NAMESPACE = `t${process.pid}`;

const HOW_TO_START = 'Start one with `npm run setup` (installs docker.io on Debian, starts dockerd without a bridge and builds the test images).';

/** Fails (never skips) when no Docker engine answers or the test images are missing. */
export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`Integration tests need a Docker engine and none answered (${(error as Error).message}). ${HOW_TO_START}`, { cause: error });
  }
  for (const image of [BUSYBOX_IMAGE, NODE_IMAGE, PYTHON_IMAGE]) {
    try {
      await docker.getImage(image).inspect();
    } catch (error) {
      throw new Error(`Test image ${image} is missing. ${HOW_TO_START}`, { cause: error });
    }
  }
  return docker;
}

/** Containers carrying the smartjob label of this test process's namespace. */
export async function containersOf(docker: Docker, namespace = TEST_NAMESPACE) {
  return docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.managed}=true`, `${RECORD_KEYS.namespace}=${namespace}`] } });
}
