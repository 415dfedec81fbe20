import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP front of the local Docker socket (DOCKER_HOST=tcp://127.0.0.1:PORT for the CLI) that cuts every
 * connection asking for a container's logs once `afterBytes` of the answer went through: the log stream then
 * fails mid-way, as when the daemon goes away, while every other request is served as usual.
 */
export interface CuttingProxy {
  readonly dockerHost: string;
  /** How many log requests were cut. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(options: { readonly afterBytes: number; readonly socketPath?: string }): Promise<CuttingProxy> {
  const socketPath = options.socketPath ?? '/var/run/docker.sock';
  const sockets = new Set<Socket>();
  let cuts = 0;
  const server: Server = createServer((client) => {
    const daemon = connect(socketPath);
    sockets.add(client).add(daemon);
    let logs = false;
    let answered = 0;
    client.on('data', (chunk: Buffer) => {
      if (/^GET (?:\/v[\d.]+)?\/containers\/[^/ ]+\/logs\?/m.test(chunk.toString('latin1'))) logs = true;
      daemon.write(chunk);
    });
    daemon.on('data', (chunk: Buffer) => {
      if (!logs) return void client.write(chunk);
      const room = options.afterBytes - answered;
      answered += chunk.length;
      if (room > 0) client.write(chunk.subarray(0, room));
      if (answered >= options.afterBytes) {
        cuts += 1;
        client.destroy();
        daemon.destroy();
      }
    });
    const end = () => { client.destroy(); daemon.destroy(); sockets.delete(client); sockets.delete(daemon); };
    client.on('close', end).on('error', end);
    daemon.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    dockerHost: `tcp://127.0.0.1:${port}`,
    get cuts() { return cuts; },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
