// A separate process using the SDK with nothing but a configuration and an execution id (or a job to
// forget), for the "another process" tests. Prints one JSON line and ends by itself, without process.exit:
// a forgotten execution leaves nothing behind that keeps the process alive (the conformance suite checks it).
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
  },
  async (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
    await service.close();
  },
);
