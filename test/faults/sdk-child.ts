// An SDK user's process for the signal row: it starts `count` runs and waits for their results. It installs no
// signal handler, as the SDK installs none: a SIGINT or SIGTERM ends it the way Node ends any process.
import { buildService, type ServiceConfig } from '../support/service-config.js';

const [configJson, jobJson, countText] = process.argv.slice(2);
const service = buildService(JSON.parse(configJson!) as ServiceConfig);
service.on('scheduled', (e) => process.stdout.write(`${JSON.stringify({ scheduled: e.executionId })}\n`));
service.on('started', (e) => process.stdout.write(`${JSON.stringify({ started: e.executionId })}\n`));
const runs = Array.from({ length: Number(countText) }, () => service.run(JSON.parse(jobJson!)));
Promise.all(runs).then((results) => {
  process.stdout.write(`${JSON.stringify({ finished: results.map((r) => r.executionId) })}\n`);
  process.exit(0);
}, (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
