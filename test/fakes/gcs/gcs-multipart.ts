import { Transform, type TransformCallback } from 'node:stream';
import { GcsHttpError } from './gcs-fake-http.js';

const HEAD_LIMIT = 1024 * 1024;

/**
 * Streams the media (second) part of a `multipart/related` upload body; the JSON metadata (first part) is in
 * `metadata` once the media starts. Holds back only the closing boundary, never the media.
 */
export class MultipartMediaStream extends Transform {
  metadata: Record<string, unknown> = {};
  private readonly delimiter: Buffer;
  private readonly closing: Buffer;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private inMedia = false;

  constructor(boundary: string) {
    super();
    this.delimiter = Buffer.from(`--${boundary}`);
    this.closing = Buffer.from(`\r\n--${boundary}--`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (!this.inMedia) {
        this.head = Buffer.concat([this.head, chunk]);
        const media = this.parseHead();
        if (!media) return callback(this.head.length > HEAD_LIMIT ? new GcsHttpError(400, 'multipart metadata part too large') : null);
        chunk = media;
      }
      const data = Buffer.concat([this.tail, chunk]);
      const keep = this.closing.length + 2; // the closing delimiter and an optional CRLF
      if (data.length > keep) this.push(data.subarray(0, data.length - keep));
      this.tail = data.subarray(Math.max(0, data.length - keep));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    const end = this.tail.lastIndexOf(this.closing);
    if (!this.inMedia || end < 0) return callback(new GcsHttpError(400, 'malformed multipart/related body'));
    this.push(this.tail.subarray(0, end));
    callback();
  }

  /** Once both part headers are in: reads the metadata and returns the first media bytes. */
  private parseHead(): Buffer | undefined {
    const first = this.head.indexOf(this.delimiter);
    const second = first < 0 ? -1 : this.head.indexOf(this.delimiter, first + this.delimiter.length);
    const mediaStart = second < 0 ? -1 : this.head.indexOf('\r\n\r\n', second);
    if (mediaStart < 0) return undefined;
    const part = this.head.subarray(first + this.delimiter.length, second).toString('utf8');
    const json = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    this.metadata = json.trim() ? (JSON.parse(json) as Record<string, unknown>) : {};
    this.inMedia = true;
    const media = this.head.subarray(mediaStart + 4);
    this.head = Buffer.alloc(0);
    return media;
  }
}

/** The boundary of a `multipart/related; boundary=…` content type. */
export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  if (!match?.[1]) throw new GcsHttpError(400, 'multipart upload without a boundary');
  return match[1];
}
