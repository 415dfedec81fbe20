import type { Command } from '../context.js';
import { CLEANUP_FLAGS, EXECUTION_FLAGS, FOLLOW, GLOBAL_FLAGS, JOB_FLAGS, LIST_FLAGS, WAIT, type FlagSpec } from '../flags.js';
import { attachCommand } from './attach.js';
import { cancelCommand } from './cancel.js';
import { cleanupCommand } from './cleanup.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { runCommand } from './run.js';
import { scheduleCommand } from './schedule.js';
import { statusCommand } from './status.js';

export const COMMANDS: readonly Command[] = [runCommand, scheduleCommand, statusCommand, attachCommand, logsCommand, cancelCommand, listCommand, cleanupCommand];

export function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** Every flag of every command, each name once, the job's first (it names the SDK field): to find the command, map errors. */
export const EVERY_FLAG: readonly FlagSpec[] = [...GLOBAL_FLAGS, ...JOB_FLAGS, ...EXECUTION_FLAGS, FOLLOW, WAIT, ...LIST_FLAGS, ...CLEANUP_FLAGS].filter(
  (flag, i, all) => all.findIndex((other) => other.name === flag.name) === i,
);
