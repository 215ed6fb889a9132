// bundle-budget.mjs fails when the JavaScript the first screen loads (the
// entry script and its modulepreloads in dist/index.html, gzipped) exceeds
// the budget (19 item 7). `make test` runs it after the build.
// Usage: node scripts/bundle-budget.mjs [budget kB, default BUNDLE_BUDGET_KB or 350]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budget = Number(process.argv[2] ?? process.env.BUNDLE_BUDGET_KB ?? 350);
const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of files) total += gzipSync(readFileSync(new URL(f, dist))).length;
const kb = total / 1024;
console.log(`bundle: the first screen loads ${files.length} scripts, ${kb.toFixed(1)} kB gzip (budget ${budget} kB)`);
if (kb > budget) {
  console.error(`bundle: over budget by ${(kb - budget).toFixed(1)} kB: load more of it on first use (src/app/lazyPage.tsx, KindModule.parts)`);
  process.exit(1);
}
