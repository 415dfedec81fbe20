import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const exec = promisify(execFile);

/**
 * A second Docker daemon of this test's own, beside the shared one (never stopped: other suites use it):
 * its own socket, data root, exec root (and so its own containerd), pid file and configuration file, with
 * no bridge network. Stopping and starting it is how a test makes "the daemon went away" happen.
 */
export class PrivateDockerd {
  readonly socketPath: string;
  readonly docker: Docker;
  private child: ChildProcess | undefined;

  private constructor(readonly root: string) {
    this.socketPath = join(root, 'docker.sock');
    this.docker = new Docker({ socketPath: this.socketPath });
  }

  /** Creates its directories and starts it; `destroy()` undoes everything, whatever happened. */
  static async create(): Promise<PrivateDockerd> {
    const root = await mkdtemp('/tmp/sjd-'); // short: containerd's socket path under the exec root must stay < 108 bytes
    return new PrivateDockerd(root);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts it (`liveRestore`: containers outlive a daemon stop) and waits until it answers. */
  async start(options: { readonly liveRestore: boolean }): Promise<void> {
    if (this.child) throw new Error('the private dockerd is already running');
    const config = join(this.root, 'daemon.json');
    // The flags below are not repeated in this file (dockerd refuses a setting given twice), and the shared
    // daemon's /etc/docker/daemon.json is not read: --config-file replaces it.
    await writeFile(config, JSON.stringify({ 'live-restore': options.liveRestore, 'shutdown-timeout': 2 }));
    const log = openSync(join(this.root, 'dockerd.log'), 'a');
    const child = spawn('dockerd', [
      '--config-file', config, '-H', `unix://${this.socketPath}`, '--data-root', join(this.root, 'data'),
      '--exec-root', join(this.root, 'exec'), '--pidfile', join(this.root, 'dockerd.pid'),
      '--bridge', 'none', '--iptables=false', '--ip-forward=false', '--ip-masq=false',
    ], { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`dockerd exited with ${code}: ${this.root}/dockerd.log`))));
    exited.catch(() => undefined);
    child.once('exit', () => { if (this.child === child) this.child = undefined; });
    for (const deadline = Date.now() + 60_000; ;) {
      const up = await Promise.race([this.docker.ping().then(() => true, () => false), exited]);
      if (up) return;
      if (Date.now() > deadline) throw new Error(`the private dockerd did not answer within 60 s: ${await this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM, as `systemctl stop docker` does; resolves once the process has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }

  /** Copies an image of the shared daemon into this one (save | load: no registry). */
  async loadImageFrom(shared: Docker, image: string): Promise<void> {
    const archive = await shared.getImage(image).get();
    const answer = await this.docker.loadImage(archive as NodeJS.ReadableStream);
    await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(answer, (error) => (error ? reject(error) : resolve())));
  }

  /** Stops it, unmounts what it mounted under its root and removes every directory. Idempotent. */
  async destroy(): Promise<void> {
    await this.stop();
    const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '');
    for (const mount of mounts.filter((m) => m.startsWith(`${this.root}/`)).sort((a, b) => b.length - a.length)) {
      await exec('umount', ['-l', mount]);
    }
    await rm(this.root, { recursive: true, force: true });
  }

  private async logTail(): Promise<string> {
    return (await readFile(join(this.root, 'dockerd.log'), 'utf8').catch(() => '')).split('\n').slice(-10).join('\n');
  }
}
