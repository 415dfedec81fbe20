import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';

const exec = promisify(execFile);

interface StartupReport {
  readonly success: boolean;
  readonly esmGoogleHits: number;
  readonly cjsGoogleHits: number;
  readonly sampleHits: readonly string[];
}

/** The benchmark's startup child: a fresh process that imports the package, builds cloud services and runs a Docker job. */
async function startupChild(control: boolean): Promise<StartupReport> {
  const stagingDir = await mkdtemp(join(tmpdir(), 'smartjob-startup-'));
  try {
    const args = ['--import', 'tsx', 'bench/startup-child.ts', ...(control ? ['--control'] : [])];
    const env = { ...process.env, BENCH_NAMESPACE: TEST_NAMESPACE, BENCH_STAGING_DIR: stagingDir };
    const { stdout } = await exec(process.execPath, args, { cwd: process.cwd(), env, timeout: 120_000 });
    const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    assert.ok(line, `the startup child printed no result:\n${stdout}`);
    return JSON.parse(line.slice('BENCH_RESULT '.length)) as StartupReport;
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

describe('startup', { timeout: 240_000 }, () => {
  it('importing the package, building Cloud Run and Vertex AI services and running a Docker job load no @google-cloud module', async () => {
    await requireDocker();
    const report = await startupChild(false);
    assert.equal(report.success, true);
    assert.deepEqual([report.esmGoogleHits, report.cjsGoogleHits, report.sampleHits], [0, 0, []]);
    const control = await startupChild(true);
    assert.ok(control.esmGoogleHits > 0 && control.cjsGoogleHits > 0, 'the detector sees @google-cloud modules once they are loaded (ESM and CJS)');
  });
});
