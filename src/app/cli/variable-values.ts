/**
 * How a SMARTJOB_* variable holds the values of a repeatable flag (`--env`, `--secret-env`, `--label`, `--input`…):
 * a JSON array of strings (or, for K=V flags, a JSON object of strings) when it starts with `[` or `{`; else one
 * item per line when it has a newline; else comma-separated. A value containing a comma needs one of the first two.
 */
export type VariableItems =
  | { readonly kind: 'items'; readonly items: readonly string[]; readonly commaSeparated: boolean }
  | { readonly kind: 'object'; readonly entries: Readonly<Record<string, string>> };

/** Why a variable's text could not be read (never quoting the text: it may hold secrets). */
export class VariableFormatError extends Error {}

export const VARIABLE_FORMAT_HELP = 'one item per line, a JSON array (or a JSON object for K=V flags), or comma-separated';

export function variableItems(text: string, allowObject: boolean): VariableItems {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || (allowObject && trimmed.startsWith('{'))) return jsonItems(trimmed, allowObject);
  if (text.includes('\n')) return { kind: 'items', items: text.split(/\r?\n/).filter((line) => line.trim() !== ''), commaSeparated: false };
  return { kind: 'items', items: text.split(',').filter((item) => item !== ''), commaSeparated: true };
}

function jsonItems(text: string, allowObject: boolean): VariableItems {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VariableFormatError(`starts with '${text[0]}' but is not valid JSON`);
  }
  if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return { kind: 'items', items: parsed as string[], commaSeparated: false };
  if (allowObject && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
    return { kind: 'object', entries: parsed as Record<string, string> };
  }
  throw new VariableFormatError(allowObject ? 'must be a JSON array of strings or a JSON object of strings' : 'must be a JSON array of strings');
}
