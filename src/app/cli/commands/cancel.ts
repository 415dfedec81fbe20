import { isFinal } from '../../../domain/execution.js';
import { idOf, type Command } from '../context.js';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel an execution',
  usage: 'ID',
  description: 'Stops a pending or running execution: its state becomes CANCELLED. An execution that already ended is left as it was, and cancel says so.',
  flags: [],
  examples: ['smartjob cancel 3f2a9c1e0b7d4a55'],
  takesId: true,
  async run(ctx) {
    const service = await ctx.service();
    const before = await service.getStatus(idOf(ctx));
    const id = before.executionId;
    if (isFinal(before.state)) {
      if (ctx.output.json) ctx.output.document({ executionId: id, cancelled: false, state: before.state });
      else ctx.output.out(`execution ${id} had already ended (${before.state}): nothing to cancel\n`);
      return 0;
    }
    await service.cancel(id);
    const after = await service.getStatus(id);
    if (ctx.output.json) ctx.output.document({ executionId: id, cancelled: true, state: after.state });
    else ctx.output.out(`cancelled execution ${id} (was ${before.state}, now ${after.state})\n`);
    return 0;
  },
};
