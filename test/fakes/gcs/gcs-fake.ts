import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultMessage, drain, GcsHttpError, reasonOf, sendError } from './gcs-fake-http.js';
import { FakeObjects } from './gcs-fake-objects.js';
import { route } from './gcs-fake-router.js';
import { FakeObjectStore } from './gcs-fake-store.js';
import { FakeUploads } from './gcs-fake-uploads.js';

/** What a fault's `match` sees of a request. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

/** Answer the next `count` matching requests with `status` (after reading their body) instead of serving them. */
export interface GcsFault {
  /** @default 1 */
  readonly count?: number;
  readonly status: number;
  /** @default every request */
  readonly match?: (req: FakeRequest) => boolean;
  /** @default a GCS-like message for the status */
  readonly message?: string;
}

export interface GcsRequestLogEntry {
  readonly method: string;
  /** The raw (percent-encoded) path. */
  readonly path: string;
  readonly query: string;
  /** The answer's status, set when the answer is sent. */
  status?: number;
  /** True when a fault answered this request. */
  faulted?: boolean;
}

export interface GcsFake {
  /** `http://127.0.0.1:PORT`, for the client's `apiEndpoint`. */
  readonly endpoint: string;
  readonly root: string;
  /** The directory of `bucket`, creating the bucket when missing. */
  bucketDir(bucket: string): string;
  failNext(fault: GcsFault): void;
  /** Drops the faults not yet used. */
  clearFaults(): void;
  /** Every request so far, in arrival order. */
  readonly requests: readonly GcsRequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  close(): Promise<void>;
}

/** A wire-level fake of the GCS JSON API subset @google-cloud/storage 7 uses, on 127.0.0.1. */
export async function startGcsFake(options: { readonly root?: string } = {}): Promise<GcsFake> {
  const ownsRoot = options.root === undefined;
  const root = resolve(options.root ?? mkdtempSync(join(tmpdir(), 'gcs-fake-')));
  const store = new FakeObjectStore(root);
  const objects = new FakeObjects(store);
  const uploads = new FakeUploads(store);
  const faults: { remaining: number; fault: GcsFault }[] = [];
  const requests: GcsRequestLogEntry[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: GcsRequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, query: url.search };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    try {
      const view: FakeRequest = { method: entry.method, path: url.pathname, query: url.searchParams, headers: req.headers };
      const rule = faults.find((f) => f.remaining > 0 && (f.fault.match?.(view) ?? true));
      if (rule) {
        rule.remaining--;
        entry.faulted = true;
        await drain(req);
        throw new GcsHttpError(rule.fault.status, rule.fault.message ?? defaultMessage(rule.fault.status), reasonOf(rule.fault.status));
      }
      await route(req, res, url, objects, uploads);
    } catch (error) {
      const answer = error instanceof GcsHttpError ? error : new GcsHttpError(500, `fake failure: ${(error as Error).message}`);
      if (!res.headersSent && !res.destroyed) sendError(res, answer);
      else res.destroy(); // mid-download: cut the connection, as a server would
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    root,
    bucketDir: (bucket) => store.bucketDir(bucket),
    failNext: (fault) => { faults.push({ remaining: fault.count ?? 1, fault }); },
    clearFaults: () => { faults.length = 0; },
    clearRequests: () => { requests.length = 0; },
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
}
