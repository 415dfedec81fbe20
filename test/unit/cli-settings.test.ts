import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/domain/errors.js';
import { parseEnvFile } from '../../src/app/cli/env-file.js';
import { errorLine } from '../../src/app/cli/error-message.js';
import { parseMemoryGb } from '../../src/app/cli/flag-values.js';
import { EVERY_FLAG } from '../../src/app/cli/commands/index.js';
import { Output } from '../../src/app/cli/output.js';
import { Settings } from '../../src/app/cli/settings.js';
import { UsageError } from '../../src/app/cli/usage-error.js';

const file = (values: Record<string, unknown>) => ({ path: 'smartjob.config.json', values });
const usage = (flag: string, pattern: RegExp) => (error: unknown) => error instanceof UsageError && error.flag === flag && pattern.test(error.message);

describe('CLI settings (no process, no daemon)', () => {
  it('takes a scalar from the flag, else its variable, else the file, and says where a bad one came from', () => {
    const settings = (flags: Record<string, unknown>, env: NodeJS.ProcessEnv) => new Settings(EVERY_FLAG, flags, env, file({ timeout: 10, name: 'file' }));
    assert.equal(settings({ timeout: '30' }, { SMARTJOB_TIMEOUT: '20' }).number('timeout'), 30);
    assert.equal(settings({}, { SMARTJOB_TIMEOUT: '20' }).number('timeout'), 20);
    assert.equal(settings({}, {}).number('timeout'), 10);
    assert.equal(settings({}, {}).string('name'), 'file');
    assert.throws(() => settings({}, { SMARTJOB_TIMEOUT: 'x' }).number('timeout'), usage('--timeout', /^`--timeout` \(from SMARTJOB_TIMEOUT\) must be a positive number, got 'x'$/));
    assert.throws(() => new Settings(EVERY_FLAG, {}, {}, file({ cpu: 'many' })).number('cpu'), usage('--cpu', /from `cpu` in smartjob\.config\.json/));
  });

  it('merges maps key by key (file < variable < flags); NAME alone copies this process\'s variable', () => {
    const settings = new Settings(EVERY_FLAG, { env: ['C=flag', 'HOME_DIR'] }, { SMARTJOB_ENV: 'B=env,C=env', HOME_DIR: '/home/me' }, file({ env: { A: 'file', B: 'file' } }));
    assert.deepEqual(settings.map('env', { fromEnv: true }), { A: 'file', B: 'env', C: 'flag', HOME_DIR: '/home/me' });
    assert.throws(() => new Settings(EVERY_FLAG, { label: ['novalue'] }, {}, undefined).map('label'), usage('--label', /without '='/));
  });

  it('never quotes a --secret-env item in an error: a forgotten NAME=, a comma-split fragment of a variable', () => {
    const secretEnv = (flags: Record<string, unknown>, env: NodeJS.ProcessEnv) => () => new Settings(EVERY_FLAG, flags, env, undefined).map('secret-env', { fromEnv: true });
    const silent = (value: string, pattern: RegExp) => (e: unknown) => e instanceof UsageError && e.flag === '--secret-env' && pattern.test(e.message) && !e.message.includes(value);
    assert.throws(secretEnv({ 'secret-env': ['s3cr3t'] }, {}), silent('s3cr3t', /not shown.*without '='/));
    assert.throws(secretEnv({}, { SMARTJOB_SECRET_ENV: 'T=abc,def-secret' }), silent('def-secret', /from SMARTJOB_SECRET_ENV.*one NAME=VALUE per line or a JSON object/));
    assert.throws(secretEnv({}, { SMARTJOB_SECRET_ENV: '{"T": 1}' }), silent('"T"', /JSON object of strings/));
    assert.throws(() => new Settings(EVERY_FLAG, { 'secret-ref': ['projects-x'] }, {}, undefined).map('secret-ref'), (e: unknown) => e instanceof UsageError && !e.message.includes('projects-x'));
  });

  it('reads a repeatable flag\'s variable as lines, a JSON array or object, or comma-separated: values may hold commas', () => {
    const map = (name: string, value: string) => new Settings(EVERY_FLAG, {}, { [`SMARTJOB_${name.toUpperCase().replace('-', '_')}`]: value }, undefined).map(name);
    assert.deepEqual(map('secret-env', 'T=abc,def\nU=x,y\n'), { T: 'abc,def', U: 'x,y' });
    assert.deepEqual(map('env', '{"A": "1,2", "B": "=b"}'), { A: '1,2', B: '=b' });
    assert.deepEqual(map('label', '["team=ml,ops"]'), { team: 'ml,ops' });
    assert.deepEqual(map('env', 'A=1,B=2'), { A: '1', B: '2' });
    const list = (value: string) => new Settings(EVERY_FLAG, {}, { SMARTJOB_INPUT: value }, undefined).list('input').items;
    assert.deepEqual(list('a=./x,y.csv\nb=./z'), ['a=./x,y.csv', 'b=./z']);
    assert.deepEqual(list('["a=./x,y.csv"]'), ['a=./x,y.csv']);
    assert.deepEqual(list('a=./x,b=./y'), ['a=./x', 'b=./y']);
    assert.throws(() => list('[not json'), usage('--input', /from SMARTJOB_INPUT.*not valid JSON/));
  });

  it('reads booleans from variables strictly', () => {
    assert.equal(new Settings(EVERY_FLAG, {}, { SMARTJOB_JSON: 'yes' }, undefined).boolean('json'), true);
    assert.equal(new Settings(EVERY_FLAG, {}, { SMARTJOB_JSON: '0' }, undefined).boolean('json'), false);
    assert.throws(() => new Settings(EVERY_FLAG, {}, { SMARTJOB_JSON: 'maybe' }, undefined).boolean('json'), usage('--json', /true or false/));
  });

  it('reads memory sizes as GB', () => {
    assert.equal(parseMemoryGb('--memory', '512m'), 0.5);
    assert.equal(parseMemoryGb('--memory', '2g'), 2);
    assert.equal(parseMemoryGb('--memory', '2GiB'), 2);
    assert.equal(parseMemoryGb('--memory', '1.5'), 1.5);
    assert.throws(() => parseMemoryGb('--memory', '0'), usage('--memory', /got '0'/));
  });

  it('reads env files: comments, export, quotes; a bad line by its number, not its value', () => {
    assert.deepEqual(parseEnvFile('--env-file', 'x.env', '# c\n\nexport A=1\nB="two words"\nC=\'q\'\nD=a=b\n'), { A: '1', B: 'two words', C: 'q', D: 'a=b' });
    assert.throws(() => parseEnvFile('--env-file', 'x.env', 'A=1\nhunter2\n'), (e: unknown) => e instanceof UsageError && /x\.env line 2/.test(e.message) && !e.message.includes('hunter2'));
  });

  it('names the flag in the SDK\'s validation errors', () => {
    const line = (field: string, inputFlags?: string[]) => errorLine(new ValidationError(field, 'must be right', 'got'), { specs: EVERY_FLAG, inputFlags });
    assert.equal(line('job.name'), "`--name` must be right, got 'got'");
    assert.equal(line('executionConfig.timeout.timeoutSeconds'), "`--timeout` must be right, got 'got'");
    assert.equal(line('job.addEnvs.TOKEN'), "`--env` (TOKEN) must be right, got 'got'");
    assert.equal(line('executionConfig.labels.team'), "`--label` (team) must be right, got 'got'");
    assert.equal(line('inputs[1].gcsUri', ['--input', '--gcs-input']), "`--gcs-input` (#2) must be right, got 'got'");
    assert.equal(line('executionId'), "`ID` must be right, got 'got'");
  });

  it('masks secret values in everything it prints', () => {
    const written: string[] = [];
    const stream = { write: (text: string) => written.push(text), isTTY: false } as unknown as NodeJS.WriteStream;
    const output = new Output(false, stream, stream);
    output.addSecrets(['s3cr3t-value', 'ab']);
    output.out('token s3cr3t-value, twice: s3cr3t-value; ab stays (too short to mask)\n');
    output.logger('warn').warn('about s3cr3t-value');
    assert.deepEqual(written, ['token ***, twice: ***; ab stays (too short to mask)\n', 'smartjob warn: about ***\n']);
  });
});
