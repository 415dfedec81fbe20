import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('packaging: `npx smartjob` right after `npm ci` in a clone', () => {
  it('builds on prepare (npm ci and installs from git run it) into the file `bin` names', async () => {
    const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string>; bin: Record<string, string> };
    assert.equal(pkg.scripts.prepare, 'npm run build');
    const build = JSON.parse(await read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } };
    assert.equal(pkg.bin.smartjob, `./${build.compilerOptions.outDir}/app/cli/main.js`);
    assert.equal(build.compilerOptions.rootDir, 'src');
    assert.match(await read('src/app/cli/main.ts'), /^#!\/usr\/bin\/env node\n/);
  });

  it('the README says the CLI runs from dist/, built by npm ci (or npm run build)', async () => {
    const readme = await read('README.md');
    assert.match(readme, /`npm ci` builds the CLI/);
    assert.match(readme, /npm run build/);
  });
});
