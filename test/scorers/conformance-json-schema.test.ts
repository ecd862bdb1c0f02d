/**
 * The json-schema scorer against the JSON Schema Test Suite (draft-07 and draft 2020-12, optional tests and
 * format assertions included). The suite lives outside the repository, in ../shared/conformance (see its
 * SOURCE.txt); without it the test prints a skip line naming the folder. Every case goes through the scorer: the
 * test's schema as the `schema` option, its data as the task output (JSON text).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonSchema, addSchemaResource, type Draft } from '../../scorers/json-schema.js';
import { repoRoot } from './helpers.js';
import { conformanceData } from './conformance-data.js';
import { ACCEPTED_DISAGREEMENTS, REASONS } from './json-schema-accepted.js';

const DRAFTS: Array<{ dir: string; draft: Draft }> = [
  { dir: 'draft7', draft: 'draft-07' },
  { dir: 'draft2020-12', draft: '2020-12' },
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
  });
}

interface Group {
  description: string;
  schema: object | boolean;
  tests: Array<{ description: string; data: unknown; valid: boolean }>;
}

const suite = conformanceData('json-schema-test-suite', 'json-schema vs the JSON Schema Test Suite');
const SUITE = suite.dir;
if (!suite.present) {
  it.skip(suite.skipLine, () => undefined);
} else {
  describe('json-schema scorer vs the JSON Schema Test Suite', () => {
    beforeAll(() => {
      // Remote `$ref` targets: http://localhost:1234/<path under remotes/>, registered up front (no network).
      const remotes = path.join(SUITE, 'remotes');
      for (const file of walk(remotes)) {
        const uri = `http://localhost:1234/${path.relative(remotes, file).split(path.sep).join('/')}`;
        addSchemaResource(uri, JSON.parse(readFileSync(file, 'utf8')));
      }
    });

    const totals: Record<string, { total: number; agreed: number; accepted: number }> = {};
    for (const { dir, draft } of DRAFTS) {
      it(`${dir}: agrees on every case outside the accepted list`, async () => {
        const root = path.join(SUITE, 'tests', dir);
        const disagreements: string[] = [];
        const accepted = new Map<string, number>();
        const seen = new Set<string>();
        let total = 0;
        let agreed = 0;
        for (const file of walk(root).sort()) {
          const within = path.relative(root, file).split(path.sep).join('/');
          const rel = `${dir}/${within}`;
          const groups = JSON.parse(readFileSync(file, 'utf8')) as Group[];
          for (const group of groups) {
            let fn: ReturnType<typeof jsonSchema.create> | undefined;
            let compileError = '';
            try {
              fn = jsonSchema.create(jsonSchema.options.parse({ schema: group.schema, draft }), {
                cwd: repoRoot,
              });
            } catch (error) {
              compileError = (error as Error).message;
            }
            for (const test of group.tests) {
              total++;
              let valid: boolean | string;
              if (!fn) valid = `compile error: ${compileError}`;
              else {
                try {
                  const result = await fn({ input: undefined, output: JSON.stringify(test.data) });
                  valid = result.score === 1;
                } catch (error) {
                  valid = `threw ${(error as Error).message}`;
                }
              }
              if (valid === test.valid) {
                agreed++;
                continue;
              }
              const key = `${rel} :: ${group.description} :: ${test.description}`;
              const reasonId = ACCEPTED_DISAGREEMENTS[key];
              const reason = reasonId && REASONS[reasonId];
              if (reason) seen.add(key);
              const line = `${rel} :: ${group.description} :: ${test.description} (suite: ${test.valid ? 'valid' : 'invalid'}, scorer: ${valid === true ? 'valid' : valid === false ? 'invalid' : valid})`;
              if (reason) accepted.set(reason, (accepted.get(reason) ?? 0) + 1);
              else disagreements.push(line);
            }
          }
        }
        totals[dir] = { total, agreed, accepted: total - agreed - disagreements.length };
        if (accepted.size) {
          console.log(
            `${dir}: ${total} cases, ${agreed} agree; accepted disagreements:\n` +
              [...accepted].map(([reason, n]) => `  ${n} × ${reason}`).join('\n'),
          );
        }
        expect(disagreements).toEqual([]);
        // An accepted disagreement that no longer happens must leave the list (it only shrinks).
        const agreesAgain = Object.keys(ACCEPTED_DISAGREEMENTS).filter(
          (key) => key.startsWith(`${dir}/`) && !seen.has(key),
        );
        expect(agreesAgain).toEqual([]);
      });
    }

    it('docs/scorer-accuracy.md quotes these figures', () => {
      expect(Object.keys(totals).sort()).toEqual(DRAFTS.map((d) => d.dir).sort());
      const table = [
        '| draft | cases | agree | accepted disagreements (listed one by one) | agreement |',
        '| --- | --- | --- | --- | --- |',
        ...DRAFTS.map(({ dir }) => {
          const t = totals[dir];
          return `| ${dir} | ${t.total} | ${t.agreed} | ${t.accepted} | ${(t.agreed / t.total).toFixed(3)} |`;
        }),
      ].join('\n');
      console.log(table);
      expect(readFileSync(path.join(repoRoot, 'docs', 'scorer-accuracy.md'), 'utf8')).toContain(table);
    });
  });
}
