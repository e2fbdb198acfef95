// Named suite "write-report": computes the demo report and writes it to test-runs/
// (relative to the app root), where vmwatch collects it as this test's artifacts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { buildReport, demoLedger, renderText } from '../src/report.ts';
import { barChartPng } from './barChart.ts';

const outDir = fileURLToPath(new URL('../test-runs/', import.meta.url));
await mkdir(outDir, { recursive: true });

const report = buildReport(demoLedger());
assert.equal(report.total, report.accounts.reduce((t, a) => t + a.balance, 0), 'total = sum of balances');

const jsonFile = `${outDir}report.json`;
const textFile = `${outDir}report.txt`;
await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(textFile, renderText(report));
await writeFile(`${outDir}balances.png`, barChartPng(report.accounts.map((a) => a.balance)));

// Read back what we wrote, so a broken write fails the suite.
assert.deepEqual(JSON.parse(await readFile(jsonFile, 'utf8')), report);
console.log(`write-report: ok - wrote test-runs/report.json, report.txt and balances.png (total ${report.formattedTotal})`);
