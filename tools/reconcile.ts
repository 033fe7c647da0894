/**
 * Operator command: checks every cross-service invariant and exits non-zero on a violation.
 *   npm run reconcile -- [--database concert] [--settle-ms 5000]
 */
import { parseArgs } from 'node:util';
import { reconcile } from '@concert/ops';

const { values } = parseArgs({
  options: { database: { type: 'string', default: 'concert' }, 'settle-ms': { type: 'string', default: '0' } },
});
void reconcile({ database: values.database, settleMs: Number(values['settle-ms']) }).then((report) => {
  console.log(JSON.stringify(report.counts));
  if (report.violations.length === 0) {
    console.log(`reconcile ${report.database}: all invariants hold`);
    return;
  }
  for (const v of report.violations) console.log(`VIOLATION ${v.check}: ${v.count} rows, e.g. ${JSON.stringify(v.sample)}`);
  process.exitCode = 1;
});
