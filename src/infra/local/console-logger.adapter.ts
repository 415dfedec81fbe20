import type { LoggerPort } from '../../domain/ports/logger.port.js';

const LEVELS = ['debug', 'info', 'warn', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Writes to stderr at or above `level` (env SMARTJOB_LOG_LEVEL, default 'warn'). Never logs env values. */
export class ConsoleLoggerAdapter implements LoggerPort {
  private readonly threshold: number;

  constructor(level: LogLevel = parseLevel(process.env.SMARTJOB_LOG_LEVEL)) {
    this.threshold = LEVELS.indexOf(level);
  }

  debug(message: string, fields?: Record<string, unknown>): void { this.write('debug', message, fields); }
  info(message: string, fields?: Record<string, unknown>): void { this.write('info', message, fields); }
  warn(message: string, fields?: Record<string, unknown>): void { this.write('warn', message, fields); }

  private write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS.indexOf(level) < this.threshold) return;
    const suffix = fields ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`smartjob ${level}: ${message}${suffix}\n`);
  }
}

function parseLevel(value: string | undefined): LogLevel {
  return (LEVELS as readonly string[]).includes(value ?? '') ? (value as LogLevel) : 'warn';
}
