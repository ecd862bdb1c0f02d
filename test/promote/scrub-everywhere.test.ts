import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promoteTraces } from '../../src/promote/promote.js';
import { detectSecretRules, Scrubber } from '../../src/promote/scrub.js';

/**
 * Secrets and personal data must not survive promotion anywhere in the row: not in tool descriptions,
 * feature flags, versions, retrieved ids, tags, feedback or object keys, and not in the shapes the first
 * pattern list missed (AWS temporary keys, dotted card numbers, URL-encoded emails, Basic headers, PEM
 * private keys, Slack webhooks).
 */
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const secrets = {
  awsTemporary: 'ASIAY34FZKBOKMUTVV7A',
  card: '4111.1111.1111.1111',
  encodedEmail: 'jane.doe%40example.com',
  basic: 'dXNlcjpzdXBlcnNlY3JldHBhc3N3b3Jk',
  slack: 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx',
  openai: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123',
  email: 'bob@example.org',
  urlPassword: 'hunter2hunter2',
  pemBody: privateKey.split('\n')[1],
};

const shapes: Array<[kind: string, text: string, secret: string]> = [
  ['api_key', `aws key ${secrets.awsTemporary} issued`, secrets.awsTemporary],
  ['card_number', `card ${secrets.card} exp 12/27`, secrets.card],
  ['email', `https://shop.example/?to=${secrets.encodedEmail}&x=1`, secrets.encodedEmail],
  ['bearer_token', `Authorization: Basic ${secrets.basic}`, secrets.basic],
  ['webhook_url', `posted to ${secrets.slack} ok`, secrets.slack],
  ['private_key', `key:\n${privateKey}`, secrets.pemBody],
  ['password', `postgres://app:${secrets.urlPassword}@db.internal:5432/app`, secrets.urlPassword],
  ['api_key', `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz`, 'wJalrXUtnFEMI'],
];

test.each(shapes)('the hand rules catch %s in %j', (kind, text, secret) => {
  const scrubber = new Scrubber();
  const out = scrubber.scrubText(text);
  expect(out).not.toContain(secret);
  expect(scrubber.counts[kind]).toBeGreaterThanOrEqual(1);
});

test('secretlint, the maintained preset, finds what it knows and the rules it yields replace it', async () => {
  const value = { note: 'token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx in a note' };
  const rules = await detectSecretRules(value);
  expect(rules.length).toBeGreaterThanOrEqual(1);
  const scrubber = new Scrubber(rules);
  expect(JSON.stringify(scrubber.scrub(value))).not.toContain('xoxb-123456789012');
  expect(scrubber.counts.secret).toBe(1);
  expect(await detectSecretRules({ question: 'What is the refund window?' })).toEqual([]);
});

describe('promote scrubs every string field and key of the row', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tracegate-scrub-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('tool descriptions, flags, versions, retrieved ids, tags, feedback and keys', async () => {
    const trace = {
      trace_id: 't-1',
      root_span_id: 'root-1',
      source: { format: 'jsonl', object_type: 'project_logs', object_id: 'p', id: 'r-1' },
      input: { question: `My card is ${secrets.card}, refund it`, [secrets.email]: 'keyed by an address' },
      output: `Sent a confirmation to ${secrets.email}.`,
      prompt_version: `support-v14 (${secrets.openai})`,
      model_version: `gpt-4.1 via ${secrets.slack}`,
      feature_flags: { [`beta:${secrets.email}`]: true, webhook: secrets.slack },
      tools: [
        {
          type: 'function',
          function: { name: 'refund', description: `Call with Authorization: Basic ${secrets.basic}` },
        },
      ],
      tool_calls: [{ name: 'refund', arguments: { card: secrets.card } }],
      retrieved: [{ id: `kb-${secrets.email}`, text: `Key ${secrets.awsTemporary}` }],
      feedback: [{ name: 'thumbs', value: 0, comment: `email me at ${secrets.encodedEmail}` }],
      tags: ['billing', `user:${secrets.email}`],
      system_prompt: `Use ${privateKey}`,
    };
    const file = path.join(dir, 'traces.jsonl');
    await writeFile(file, JSON.stringify(trace) + '\n');
    const outcome = await promoteTraces({ from: file, format: 'jsonl', label: 'hallucination', cwd: dir });
    expect(outcome.written).toHaveLength(1);
    const text = await readFile(path.join(dir, 'datasets/hallucination.jsonl'), 'utf8');
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, leaked: text.includes(secret) }).toEqual({ name, leaked: false });
    }
    const row = JSON.parse(text);
    // What links back to the origin span stays as it was.
    expect(row.origin).toMatchObject({ object_id: 'p', id: 'r-1', span_id: 'root-1' });
    expect(row.metadata.source_span_id).toBe('root-1');
    expect(row.tags).toContain('billing');
    expect(row.metadata.scrubbed.email).toBeGreaterThanOrEqual(4);
  });
});
