// `BENCH_ONLY=map npm run bench`: the map-memory section alone, in-process on the in-memory executor (no Docker).
// Prints section 5 and the map targets; exits 1 when one is missed (run-all.ts only records a miss).
import { benchMapMemory } from './map-memory.js';
import { formatReport } from './report.js';
import { evaluateTargets } from './targets.js';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted by SIGINT')));
const map = await benchMapMemory(interrupt.signal);
const targets = evaluateTargets({ map }).filter((t) => t.name.startsWith('map'));
console.log(formatReport({ map }, targets, {}));
process.exitCode = targets.every((t) => t.status === 'PASS') ? 0 : 1;
