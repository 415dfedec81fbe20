import type { Command } from '../context.js';
import { CLEANUP_FLAGS } from '../flags.js';

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'remove finished executions and their staging directories',
  usage: '[--namespace NS] [--older-than SECONDS]',
  description: 'Removes what finished executions left (containers or cloud executions, staging directories with their outputs and logs). Never a running one.',
  flags: CLEANUP_FLAGS,
  examples: ['smartjob cleanup --older-than 86400', 'smartjob cleanup --namespace ci --json'],
  takesId: false,
  async run(ctx) {
    const olderThanSeconds = ctx.settings.number('older-than', { allowZero: true });
    const { removed } = await (await ctx.service()).cleanup({ namespace: ctx.settings.string('namespace'), olderThanSeconds });
    if (ctx.output.json) ctx.output.document({ removed });
    else ctx.output.out(removed.length === 0 ? 'nothing to remove\n' : `removed ${removed.length} execution${removed.length === 1 ? '' : 's'}: ${removed.join(' ')}\n`);
    return 0;
  },
};
