import type Docker from 'dockerode';

export interface ApiCall {
  readonly count: number;
  readonly totalMs: number;
}

/**
 * Counts Docker Engine API calls (and their time) made through one client, by patching its modem's
 * `dial`: the one place every dockerode call goes through. Used to show where an SDK job's time goes.
 */
export class ApiCounter {
  private calls = new Map<string, { count: number; totalMs: number }>();

  constructor(docker: Docker) {
    const modem = docker.modem as unknown as { dial(options: DialOptions, cb: (...a: unknown[]) => void): unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (options, cb) => {
      const key = `${options.method} ${normalize(options.path)}`;
      const t0 = performance.now();
      return dial(options, (...args) => {
        this.record(key, performance.now() - t0);
        cb(...args);
      });
    };
  }

  /** Calls since the last take, then starts counting afresh. */
  take(): Record<string, ApiCall> {
    const out = Object.fromEntries([...this.calls].sort(([a], [b]) => a.localeCompare(b)));
    this.calls = new Map();
    return out;
  }

  private record(key: string, ms: number): void {
    const entry = this.calls.get(key) ?? { count: 0, totalMs: 0 };
    entry.count += 1;
    entry.totalMs += ms;
    this.calls.set(key, entry);
  }
}

interface DialOptions {
  readonly method: string;
  readonly path: string;
}

function normalize(path: string): string {
  return path
    .replace(/\?.*$/, '')
    .replace(/^\/images\/.+\/json$/, '/images/{name}/json')
    .replace(/^\/(containers|volumes)\/(?!json$|create$)[^/]+/, '/$1/{id}');
}
