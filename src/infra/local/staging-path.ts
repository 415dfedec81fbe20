import { ValidationError } from '../../domain/errors.js';

/** Checks a staging-relative path: '/'-separated, not absolute, no empty, `.` or `..` segment. */
export function checkStagingPath(path: string): string {
  const segments = typeof path === 'string' ? path.split('/') : [];
  const bad = segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'));
  if (bad) throw new ValidationError('path', "must be a relative '/'-separated path without empty, '.' or '..' segments", path);
  return path;
}
