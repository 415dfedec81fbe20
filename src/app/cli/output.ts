import type { LoggerPort } from '../../domain/ports/logger.port.js';
import { maskableValues, maskSecrets } from '../../domain/secret-mask.js';

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Everything the CLI prints goes through here: secret values are masked, and the live status line (stderr, TTY
 * only) is cleared before any other text and drawn again after it.
 */
export class Output {
  private secrets: string[] = [];
  private statusText: string | undefined;
  private documentBegun = false;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** A status line is drawn in place only on a terminal. */
  get liveStatus(): boolean {
    return this.stderr.isTTY === true;
  }

  get width(): number {
    return this.stderr.columns || 80;
  }

  /** Values to mask from now on (secret env values); very short ones would mask ordinary text and are left. */
  addSecrets(values: readonly string[]): void {
    this.secrets = maskableValues([...this.secrets, ...values]);
  }

  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  /** Text for stdout (a result, a table, the job's stdout). */
  out(text: string): void {
    this.write(this.stdout, text);
  }

  /** Text for stderr (progress, hints, errors, the job's stderr). */
  err(text: string): void {
    this.write(this.stderr, text);
  }

  /** The one JSON document of `--json`. */
  document(value: unknown): void {
    this.beginDocument();
    this.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A command that streams its document (logs --json) says so before the first byte: an error then ends it, not a second one. */
  beginDocument(): void {
    this.documentBegun = true;
  }

  /** Whether stdout already holds (the start of) the document. */
  get hasDocument(): boolean {
    return this.documentBegun;
  }

  /** Draws (or with undefined, clears) the live status line. */
  status(text: string | undefined): void {
    const line = text === undefined ? undefined : this.mask(text).slice(0, this.width - 1);
    this.stderr.write(line === undefined ? CLEAR_LINE : `${CLEAR_LINE}${line}`);
    this.statusText = line;
  }

  /** A LoggerPort that prints the SDK's messages as `smartjob <level>: …` lines on stderr, masked. */
  logger(level: 'debug' | 'info' | 'warn'): LoggerPort {
    const levels = ['debug', 'info', 'warn'];
    const at = (name: string) => (message: string, fields?: Record<string, unknown>) => {
      if (levels.indexOf(name) >= levels.indexOf(level)) this.err(`smartjob ${name}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn') };
  }

  private write(stream: NodeJS.WriteStream, text: string): void {
    const shown = this.statusText;
    if (shown !== undefined) this.stderr.write(CLEAR_LINE);
    stream.write(this.mask(text));
    if (shown !== undefined) this.stderr.write(shown);
  }
}
