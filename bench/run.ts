// `npm run bench`: every section, on Docker (run-all.ts). `BENCH_ONLY=map npm run bench`: only the map-memory
// section, which needs no Docker (map-only.ts).
const only = process.env.BENCH_ONLY ?? '';
if (only === '') await import('./run-all.js');
else if (only === 'map') await import('./map-only.js');
else {
  process.stderr.write(`BENCH_ONLY=${only}: only 'map' runs alone (the other sections share one Docker context: run them all)\n`);
  process.exitCode = 2;
}
