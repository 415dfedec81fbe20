import type { BackendType } from '../../domain/backend-type.js';

/**
 * What is true of an execution no CLI process waits for any more (schedule, attach or schedule --wait
 * interrupted). Cloud backends enforce the timeout themselves; on Docker no process watches the container, so
 * its deadline is enforced by whoever looks at it next (there is no daemon of ours).
 */
export function leftBehindNote(backend: BackendType, executionId: string): string {
  const follow = `follow it: smartjob attach ${executionId}`;
  if (backend !== 'docker') return follow;
  return `${follow}; nothing watches it meanwhile: its timeout is enforced by the next \`smartjob status\`, \`list\` or \`attach\` after its deadline`;
}
