// Sums the vitest JSON reports of every project into one closing line: "N passed, N failed",
// after the failed tests with their messages (CI shows only the tail of the output).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'tmp/test-results';
let passed = 0, failed = 0, skipped = 0;
const rows = [];
const failures = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const file of r.testResults ?? [])
    for (const t of file.assertionResults ?? [])
      if (t.status === 'failed')
        failures.push(`FAILED ${t.fullName}\n  ${(t.failureMessages ?? []).join('\n').split('\n').slice(0, 6).join('\n  ').slice(0, 1500)}`);
  rows.push(`${f.replace(/\.json$/, '').padEnd(18)} ${String(r.numPassedTests).padStart(5)} passed ${String(r.numFailedTests).padStart(4)} failed`);
}
if (failures.length) console.log(failures.join('\n'));
console.log(rows.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
