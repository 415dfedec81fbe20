/** Layering of the hexagon (DESIGN §2), enforced in CI. */
// Resolved paths: a type-only import of an SDK resolves into node_modules too, so it is caught as well.
const SDKS = 'node_modules/(dockerode|docker-modem|@google-cloud|google-gax|@grpc|tar-stream|@types/dockerode)';
const IO = '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|os)$';

module.exports = {
  forbidden: [
    { name: 'domain-is-pure', severity: 'error', comment: 'src/domain imports nothing from app or infra',
      from: { path: '^src/domain' }, to: { path: '^src/(app|infra)' } },
    { name: 'domain-no-sdk', severity: 'error', comment: 'src/domain imports no SDK, not even a type (ports speak the domain words)',
      from: { path: '^src/domain' }, to: { path: SDKS } },
    { name: 'domain-no-io', severity: 'error', comment: 'src/domain does no I/O',
      from: { path: '^src/domain' }, to: { path: IO, dependencyTypes: ['core'] } },
    { name: 'infra-not-app', severity: 'error', comment: 'adapters do not reach into the composition root',
      from: { path: '^src/infra' }, to: { path: '^src/app' } },
    { name: 'executors-not-storage', severity: 'error', comment: 'executor adapters do not import storage adapters',
      from: { path: '(executor\\.adapter|-executor-|/cloudrun/|/batch/|/vertex/)' }, to: { path: '(storage\\.adapter|/gcs/)' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
