// Prints the scorer accuracy tables of docs/scorer-accuracy.md by running the conformance tests that measure
// them (and assert their floors, and that the page shows exactly these figures). Needs ../shared/conformance.
//   node scripts/accuracy.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tests = [
  'test/scorers/conformance-bfcl.test.ts',
  'test/scorers/conformance-json-schema.test.ts',
  'test/scorers/conformance-halueval.test.ts',
];
const run = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', ...tests],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
    },
  },
);
process.exitCode = run.status ?? 1;
