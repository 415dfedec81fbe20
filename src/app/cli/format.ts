import type { ExecutionResult, ExecutionStatus, SchedulingDetails } from '../../domain/result.js';

/** 0.4s, 12.3s, 2m05s, 1h02m */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** 2026-12-03 09:12:05Z */
export function formatTime(date: Date | undefined): string {
  return date ? `${date.toISOString().slice(0, 19).replace('T', ' ')}Z` : '-';
}

/** The short summary of a finished execution, then its jsonOutput pretty-printed. */
export function formatResult(result: ExecutionResult): string {
  const exit = result.exitCode === undefined ? '' : `, job exit code ${result.exitCode}`;
  const lines = [`${result.state} in ${formatDuration(result.durationSeconds)}${exit}: ${result.jobNamespace}/${result.jobName}, execution ${result.executionId}`];
  if (result.message) lines.push(`  ${result.message}`);
  lines.push(`  output: ${result.outputPath}`, `  logs:   ${result.logUrl || '-'}`);
  if (result.jsonOutputError) lines.push(`  smartjob.json: ${result.jsonOutputError}`);
  if (result.jsonOutput !== undefined) lines.push(JSON.stringify(result.jsonOutput, null, 2));
  return `${lines.join('\n')}\n`;
}

export function formatStatus(status: ExecutionStatus, now = new Date()): string {
  const end = status.stopped ?? now;
  const from = status.started ?? status.created;
  const rows: [string, string][] = [
    ['execution', status.executionId],
    ['job', `${status.jobNamespace}/${status.jobName}`],
    ['state', status.state],
    ['created', formatTime(status.created)],
    ['started', formatTime(status.started)],
    ['stopped', formatTime(status.stopped)],
    ['duration', formatDuration(Math.max(0, (end.getTime() - from.getTime()) / 1000))],
    ['exit code', status.exitCode === undefined ? '-' : String(status.exitCode)],
    ['timeout', `${status.timeoutSeconds}s`],
    ['logs', status.logUrl || '-'],
  ];
  if (status.message) rows.splice(3, 0, ['message', status.message]);
  return `${rows.map(([key, value]) => `${key.padEnd(10)} ${value}`).join('\n')}\n`;
}

export function formatDetails(details: SchedulingDetails): string {
  return `scheduled ${details.jobNamespace}/${details.jobName} on ${details.backend}: execution ${details.executionId}\n  logs:   ${details.logUrl}\n  output: ${details.outputPath}\n`;
}

/** Columns padded to their widest cell; the last one is not padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

export function formatList(statuses: readonly ExecutionStatus[], now = new Date()): string {
  const rows = [...statuses]
    .sort((a, b) => b.created.getTime() - a.created.getTime())
    .map((s) => {
      const from = s.started ?? s.created;
      const seconds = Math.max(0, ((s.stopped ?? now).getTime() - from.getTime()) / 1000);
      return [s.executionId, s.jobNamespace, s.jobName, s.state, formatTime(s.created), formatDuration(seconds)];
    });
  return formatTable(['ID', 'NAMESPACE', 'NAME', 'STATE', 'CREATED', 'DURATION'], rows);
}
