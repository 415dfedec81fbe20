import type { LoggerPort } from '../../src/domain/ports/logger.port.js';

/** Collects what is logged, so tests stay quiet and can assert on it. */
export class RecordingLogger implements LoggerPort {
  /** Every line, prefixed by its level. */
  readonly lines: string[] = [];
  debug(message: string): void { this.lines.push(`debug ${message}`); }
  info(message: string): void { this.lines.push(`info ${message}`); }
  warn(message: string): void { this.lines.push(`warn ${message}`); }

  /** The warnings alone, without their prefix. */
  get warnings(): string[] {
    return this.lines.filter((line) => line.startsWith('warn ')).map((line) => line.slice('warn '.length));
  }
}
