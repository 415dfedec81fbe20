/** Values shorter than this are not masked: masking "ok" or "1" would garble ordinary text and hide nothing. */
export const MIN_MASKED_LENGTH = 4;
export const MASK = '***';

/**
 * What to mask for these secret values: each of MIN_MASKED_LENGTH characters or more, and each line of a
 * multi-line one (logs come line by line), longest first so a value containing another is masked whole.
 */
export function maskableValues(values: Iterable<string>): string[] {
  const parts = [...values].flatMap((value) => [value, ...(value.includes('\n') ? value.split(/\r?\n/) : [])]);
  return [...new Set(parts.filter((part) => part.length >= MIN_MASKED_LENGTH))].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of a maskable value replaced by MASK. */
export function maskSecrets(text: string, maskable: readonly string[]): string {
  let masked = text;
  for (const value of maskable) masked = masked.replaceAll(value, MASK);
  return masked;
}
