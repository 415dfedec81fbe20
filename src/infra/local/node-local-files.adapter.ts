import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LocalFilesPort } from '../../domain/ports/local-files.port.js';

export class NodeLocalFilesAdapter implements LocalFilesPort {
  async statFile(path: string): Promise<{ size: number } | undefined> {
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size } : undefined;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw error;
    }
  }

  basename(path: string): string {
    return basename(path);
  }
}
