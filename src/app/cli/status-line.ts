import { isFinal, type ExecutionState } from '../../domain/execution.js';
import type { ExecutionStatus } from '../../domain/result.js';
import { formatDuration } from './format.js';
import type { Output } from './output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 125;

export interface StatusLineInfo {
  readonly backend: string;
  readonly executionId: string;
  readonly created: Date;
  readonly logUrl: string;
}

/**
 * While a command waits: on a terminal, one line on stderr redrawn in place (backend, id, state, elapsed, log
 * URL); elsewhere one line per state change. Nothing with `quiet`.
 */
export class StatusLine {
  private state: ExecutionState | undefined;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly output: Output, private readonly info: StatusLineInfo, private readonly quiet: boolean) {
    if (!quiet && output.liveStatus) this.timer = setInterval(() => this.draw(), REDRAW_MS);
  }

  /** A state only moves forward (PENDING, RUNNING, final): a late 'started' event after a final poll is ignored. */
  update(status: Pick<ExecutionStatus, 'state'>): void {
    if (this.quiet || (this.state !== undefined && rank(status.state) <= rank(this.state))) return;
    const first = this.state === undefined;
    this.state = status.state;
    if (this.output.liveStatus) return this.draw();
    const logs = first ? `; logs: ${this.info.logUrl}` : '';
    this.output.err(`smartjob: ${this.info.backend} execution ${this.info.executionId} ${status.state} after ${this.elapsed()}${logs}\n`);
  }

  /** Stops redrawing and clears the line. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.quiet && this.output.liveStatus) this.output.status(undefined);
  }

  private draw(): void {
    if (this.state === undefined) return;
    const spinner = isFinal(this.state) ? ' ' : FRAMES[this.frame++ % FRAMES.length];
    this.output.status(`${spinner} ${this.info.backend} ${this.info.executionId} ${this.state} ${this.elapsed()}  logs: ${this.info.logUrl}`);
  }

  private elapsed(): string {
    return formatDuration(Math.max(0, (Date.now() - this.info.created.getTime()) / 1000));
  }
}

function rank(state: ExecutionState): number {
  return isFinal(state) ? 2 : state === 'RUNNING' ? 1 : 0;
}
