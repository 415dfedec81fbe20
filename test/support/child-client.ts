// A separate process using the SDK with nothing but a configuration and an execution id (or a job to
// forget), for the "another process" tests. Prints one JSON line and exits at once: no watcher stays behind.
import { buildService, type ServiceConfig } from './service-config.js';

const [command, configJson, arg] = process.argv.slice(2);
const service = buildService(JSON.parse(configJson!) as ServiceConfig);

async function main(): Promise<unknown> {
  switch (command) {
    case 'schedule-forget': {
      const { job, executionConfig } = JSON.parse(arg!);
      return (await service.schedule(job, { forget: true, executionConfig })).details;
    }
    case 'attach':
      return service.attach(arg!);
    case 'cancel':
      await service.cancel(arg!);
      return { cancelled: arg };
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().then(
  async (value) => {
    await service.close();
    process.stdout.write(`${JSON.stringify(value)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
