import fc from 'fast-check';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { makeCase, makeResults } from '../report/fixtures.js';

function results(experiment?: { project: string; name: string; id: string; url: string }) {
  const r = makeResults({
    cases: [makeCase({ id: 'fmt-1', failure_mode: 'format-violation' })],
    modes: { 'format-violation': { threshold: 1 } },
  });
  if (experiment) r.braintrust_experiment = experiment;
  return r;
}

const LINK = {
  project: 'support-prod',
  name: 'tracegate pr-7 1a2b3c4',
  id: 'e-1',
  url: 'https://braintrust.example/app/acme/p/support-prod/experiments/tracegate%20pr-7%201a2b3c4',
};

test('the experiment is one line under the table, linked; without one there is no line', () => {
  const body = renderMarkdownReport(results(LINK));
  const lines = body.split('\n').filter((l) => l.includes('Braintrust experiment'));
  expect(lines).toEqual([`🧪 Braintrust experiment: [tracegate pr-7 1a2b3c4](${LINK.url})`]);
  expect(body.indexOf('🧪')).toBeGreaterThan(body.indexOf('| Failure mode |'));
  expect(body).toMatchSnapshot();
  expect(renderMarkdownReport(results())).not.toContain('Braintrust experiment');
});

test('a hostile experiment name or URL cannot inject markdown, HTML or a live non-http link', () => {
  const body = renderMarkdownReport(
    results({
      ...LINK,
      name: '](javascript:alert(1)) <img src=x> @team\n# heading',
      url: 'javascript:alert(1)',
    }),
  );
  const line = body.split('\n').find((l) => l.includes('Braintrust experiment'))!;
  // The name is text (its bracket escaped), and the unsafe URL is not made a link.
  expect(line).toMatch(/^🧪 Braintrust experiment: \\\]\(javascript/);
  expect(line).not.toMatch(/[^\\]\]\(/);
  expect(line).not.toContain('<img');
  expect(body).not.toMatch(/^# heading/m);
});

test('property: whatever the name, the link line is one line and links only an http(s) URL', () => {
  fc.assert(
    fc.property(fc.string(), fc.webUrl(), (name, url) => {
      const body = renderMarkdownReport(results({ ...LINK, name, url }));
      const line = body.split('\n').find((l) => l.startsWith('🧪 Braintrust experiment: '));
      expect(line).toBeDefined();
      const target = /\]\(([^)]*)\)$/.exec(line!)?.[1];
      if (target) expect(target).toMatch(/^https?:\/\//);
    }),
    { numRuns: 200 },
  );
});
