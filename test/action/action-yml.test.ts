import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { getSettings } from '../../src/action/inputs.js';
import { actionOutputs } from '../../src/action/outputs.js';
import { makeResults } from '../report/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('action.yml is the contract the code implements', () => {
  test('metadata and runtime', () => {
    expect(action.name).toBe('tracegate');
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(action.runs).toEqual({ using: expect.stringMatching(/^node(20|24)$/), main: 'dist/index.js' });
  });

  test('every input is read by getSettings, and getSettings reads no undeclared input', () => {
    const read = new Set<string>();
    getSettings((name) => {
      read.add(name);
      return action.inputs[name]?.default?.startsWith('${{') ? 'token' : (action.inputs[name]?.default ?? '');
    }, '/ws');
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  test('every input is documented with its default', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect({ name, documented: input.description.length > 15 }).toEqual({ name, documented: true });
      expect({ name, hasDefault: typeof input.default === 'string' }).toEqual({ name, hasDefault: true });
      if (input.default === '')
        expect({ name, says: /Default: /.test(input.description) }).toEqual({ name, says: true });
    }
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}');
  });

  test('the outputs the code sets are the declared ones', () => {
    const outputs = actionOutputs(makeResults({ cases: [], modes: { hallucination: { extra_passed: 1 } } }), {
      results: 'r',
      report: 'm',
    });
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(action.outputs).sort());
  });
});
