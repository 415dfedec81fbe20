import { idOf, type Command } from '../context.js';
import { exitWhenFlushed } from '../exit.js';
import { errorDocument } from '../error-message.js';
import { FOLLOW } from '../flags.js';
import { Interrupts, SIGNAL_EXIT } from '../interrupt.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: "print an execution's logs",
  usage: 'ID [--follow]',
  description: [
    "Prints the job's stdout on stdout and its stderr on stderr; with --follow it streams until the execution",
    'ends. On Docker the logs of a finished run are read from its staging directory. With --json: one JSON array',
    'of {"stream","line"} objects, streamed; when reading fails after the first line, its last element is',
    '{"error":{code,message,exitCode}}. Backends without log streaming answer with their log URL.',
  ].join('\n'),
  flags: [FOLLOW],
  examples: ['smartjob logs 3f2a9c1e0b7d4a55', 'smartjob logs --follow 3f2a9c1e0b7d4a55 2>/dev/null | grep epoch'],
  takesId: true,
  async run(ctx) {
    const service = await ctx.service();
    const interrupts = new Interrupts({ onSecond: (first) => exitWhenFlushed(SIGNAL_EXIT[first]) });
    const json = ctx.output.json;
    let count = 0;
    try {
      for await (const { stream, line } of service.logs(idOf(ctx), { follow: ctx.settings.boolean('follow'), signal: interrupts.signal })) {
        if (json && count === 0) ctx.output.beginDocument();
        if (json) ctx.output.out(`${count === 0 ? '[\n' : ',\n'}  ${JSON.stringify({ stream, line })}`);
        else if (stream === 'stdout') ctx.output.out(`${line}\n`);
        else ctx.output.err(`${line}\n`);
        count += 1;
      }
    } catch (error) {
      // the array has begun: the error is its last element, so stdout still holds one document
      if (!interrupts.received && json && count > 0) ctx.output.out(`,\n  ${JSON.stringify(errorDocument(error, { specs: [] }))}\n]\n`);
      if (!interrupts.received) throw error;
    } finally {
      interrupts.dispose();
    }
    if (json) {
      ctx.output.beginDocument();
      ctx.output.out(count === 0 ? '[]\n' : '\n]\n');
    }
    return interrupts.received ? SIGNAL_EXIT[interrupts.received] : 0;
  },
};
