import { idOf, type Command } from '../context.js';
import { formatStatus } from '../format.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the state of an execution',
  usage: 'ID',
  description: 'Prints what the backend knows of an execution (state, times, exit code, log URL) without waiting.',
  flags: [],
  examples: ['smartjob status 3f2a9c1e0b7d4a55', 'smartjob status --json 3f2a9c1e0b7d4a55 | jq -r .state'],
  takesId: true,
  async run(ctx) {
    const status = await (await ctx.service()).getStatus(idOf(ctx));
    if (ctx.output.json) ctx.output.document(status);
    else ctx.output.out(formatStatus(status));
    return 0;
  },
};
