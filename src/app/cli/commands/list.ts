import { EXECUTION_STATES } from '../../../domain/execution.js';
import type { Command } from '../context.js';
import { LIST_FLAGS } from '../flags.js';
import { parseChoice } from '../flag-values.js';
import { formatList } from '../format.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the executions the backend knows',
  usage: '[--namespace NS] [--name NAME] [--state STATE]...',
  description: 'A table of executions (id, namespace, name, state, created, duration), newest first; --json gives the statuses as a JSON array. On Docker, run() executions are not listed once finished (their container is removed).',
  flags: LIST_FLAGS,
  examples: ['smartjob list --state RUNNING', 'smartjob list --namespace ml --json | jq -r ".[].executionId"'],
  takesId: false,
  async run(ctx) {
    const { items, flag, via } = ctx.settings.list('state');
    const states = items.map((state) => parseChoice(flag, state, EXECUTION_STATES, via));
    const service = await ctx.service();
    const statuses = await service.list({ namespace: ctx.settings.string('namespace'), name: ctx.settings.string('name'), states: states.length > 0 ? states : undefined });
    if (ctx.output.json) ctx.output.document(statuses);
    else if (statuses.length === 0) ctx.output.err('no executions\n');
    else ctx.output.out(formatList(statuses));
    return 0;
  },
};
