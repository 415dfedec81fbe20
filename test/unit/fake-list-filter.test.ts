import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { compileFilter, labelField, type FilterField, type FilterSchema } from '../fakes/shared/list-filter.js';

interface Thing {
  readonly state: string;
  readonly name: string;
  readonly created: string;
  readonly labels: Record<string, string>;
}
const FIELDS: Record<string, FilterField<Thing>> = {
  state: { ops: ['=', '!='], values: ['RUNNING', 'DONE'], get: (t) => t.state },
  name: { ops: ['=', '!=', ':'], get: (t) => t.name },
  create_time: { ops: ['<', '<=', '>', '>=', '=', '!='], timestamp: true, get: (t) => t.created },
};
const schema: FilterSchema<Thing> = (name) => labelField(name, (t: Thing) => t.labels) ?? FIELDS[name];
const things: Thing[] = [
  { state: 'RUNNING', name: 'job-a', created: '2026-01-01T00:00:00Z', labels: { team: 'data', id: 'a' } },
  { state: 'DONE', name: 'job-b', created: '2026-02-01T00:00:00Z', labels: { team: 'ml' } },
  { state: 'DONE', name: 'other', created: '2026-03-01T00:00:00Z', labels: {} },
];
const names = (filter: string) => things.filter(compileFilter(filter, schema)).map((t) => t.name);
const refused = (filter: string) => assert.throws(() => compileFilter(filter, schema), (e: { code?: number }) => e.code === grpc.status.INVALID_ARGUMENT, filter);

/** The AIP-160 subset the Batch and Vertex fakes parse: a fake that ignored a filter would hide an adapter's bug. */
describe('fake list filter', () => {
  it('matches labels, enums and names, quoted or bare, joined by AND or juxtaposition', () => {
    assert.deepEqual(names(''), ['job-a', 'job-b', 'other']);
    assert.deepEqual(names('labels.team="data"'), ['job-a']);
    assert.deepEqual(names('labels.team=data AND state=RUNNING'), ['job-a']);
    assert.deepEqual(names('labels.team=ml state="RUNNING"'), []);
    assert.deepEqual(names('labels.team!=data'), ['job-b', 'other'], 'an absent label is not equal');
    assert.deepEqual(names('labels.id:*'), ['job-a']);
    assert.deepEqual(names('name:"job-*"'), ['job-a', 'job-b']);
    assert.deepEqual(names('create_time>"2026-01-15T00:00:00Z" AND create_time<="2026-02-01T00:00:00Z"'), ['job-b']);
  });

  it('binds OR tighter than AND (as AIP-160 does), and honours NOT and parentheses', () => {
    assert.deepEqual(names('state=DONE AND labels.team=ml OR labels.team=data'), ['job-b'], 'DONE AND (ml OR data)');
    assert.deepEqual(names('(state=DONE AND labels.team=ml) OR labels.team=data'), ['job-a', 'job-b']);
    assert.deepEqual(names('NOT state=DONE'), ['job-a']);
    assert.deepEqual(names('name="say \\"hi\\""'), []);
  });

  it('refuses what it does not understand instead of ignoring it', () => {
    for (const filter of ['unknown=1', 'labels.=x', 'state=RUNNIN', 'state:RUNNING', 'name<b', 'create_time>yesterday', 'state', 'state=',
      'create_time<2026-02-01T00:00:00Z', 'labels.a=b AND', '(state=DONE', 'state=DONE)', 'labels.a=b OR OR labels.c=d', 'name="unterminated']) refused(filter);
  });
});
