// `npm run conformance`: one line per golden table and a total, for humans and the stop hook.
import { rmSync } from 'node:fs';
import { checkGoldenTable, extractCorpus, listGoldenTables } from './goldenCorpus';

const root = extractCorpus();
let passed = 0;
const tables = listGoldenTables();
for (const table of tables) {
  let line: string;
  try {
    const outcome = await checkGoldenTable(root, table);
    if (outcome.ok) passed++;
    line = `${outcome.ok ? 'PASS' : 'FAIL'}  ${table.name}  (${table.kernelRs}) ${outcome.detail}`;
  } catch (error) {
    line = `FAIL  ${table.name}  (${table.kernelRs}) ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  console.log(line);
}
rmSync(root, { recursive: true, force: true });
console.log(`${passed}/${tables.length} golden tables pass`);
