// Writes labels/faithfulness.jsonl: answers to help-centre questions, each labelled by hand as faithful
// ("pass") or not ("fail") to the article it was given. `tracegate calibrate --scorer faithfulness --labels
// examples/support-assistant/labels/faithfulness.jsonl` measures the judge against these labels and writes
// the record in calibrations/ that lets the demo's faithfulness judge block.
//   node examples/support-assistant/make-labels.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWLEDGE_BASE } from './knowledge-base.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const kb = Object.fromEntries(KNOWLEDGE_BASE.map((d) => [d.id, d]));

/** [article, question, answer, label, what a reviewer noted] */
const EXAMPLES = [
  [
    'kb-1',
    'Can I get a refund on my annual plan?',
    'Refunds are available within 30 days of purchase for annual plans.',
    'pass',
  ],
  ['kb-1', 'Is my monthly plan refundable?', 'Monthly plans are not refundable.', 'pass'],
  [
    'kb-1',
    'How long do I have to ask for a refund?',
    'You can get a refund within 30 days of purchase on an annual plan.',
    'pass',
  ],
  [
    'kb-1',
    'Can I get a refund on my annual plan?',
    'Refunds are available within 60 days of purchase for annual plans.',
    'fail',
  ],
  ['kb-1', 'Is my monthly plan refundable?', 'Monthly plans are refundable within 14 days.', 'fail'],
  [
    'kb-1',
    'Can I get a refund?',
    'Refunds are available within 30 days. Plans start at $9 per month.',
    'fail',
  ],
  ['kb-2', 'How much does Pro cost?', 'The Pro plan costs $12 per user per month.', 'pass'],
  ['kb-2', 'What does the Team plan cost?', 'The Team plan costs $20 per user per month.', 'pass'],
  ['kb-2', 'How much does Pro cost?', 'The Pro plan costs $15 per user per month.', 'fail'],
  [
    'kb-2',
    'What does the Team plan cost?',
    'The Team plan costs $20 per user per month, with a free first year.',
    'fail',
  ],
  ['kb-3', 'How long is the reset link valid?', 'The reset link expires after 24 hours.', 'pass'],
  ['kb-3', 'How do I reset my password?', 'Open Settings > Security and choose Reset password.', 'pass'],
  ['kb-3', 'How long is the reset link valid?', 'The reset link expires after 48 hours.', 'fail'],
  [
    'kb-3',
    'How do I reset my password?',
    'Call our hotline and an agent resets your password over the phone.',
    'fail',
  ],
  ['kb-4', 'How much storage do free accounts get?', 'Free accounts include 5 GB of storage.', 'pass'],
  ['kb-4', 'How much storage does Pro include?', 'Pro accounts include 2 TB of storage.', 'pass'],
  ['kb-4', 'How much storage do free accounts get?', 'Free accounts include 10 GB of storage.', 'fail'],
  [
    'kb-4',
    'How much storage does Pro include?',
    'Pro accounts include unlimited storage and priority backups.',
    'fail',
  ],
  [
    'kb-5',
    'How fast do security keys ship?',
    'Hardware security keys ship within 3 business days of the order.',
    'pass',
  ],
  [
    'kb-5',
    'When will my security key arrive?',
    'Security keys ship within 3 business days of the order.',
    'pass',
  ],
  [
    'kb-5',
    'How fast do security keys ship?',
    'Hardware security keys ship the same day, by express courier.',
    'fail',
  ],
  [
    'kb-5',
    'When will my security key arrive?',
    'Security keys ship within 3 business days. Shipping costs $5.',
    'fail',
  ],
  [
    'kb-6',
    'How do I check my order?',
    'Look up an order with its order id to see its shipping status.',
    'pass',
  ],
  ['kb-6', 'What does an order id look like?', 'An order id has the form ORD-12345.', 'pass'],
  [
    'kb-6',
    'How do I check my order?',
    'Orders are tracked by email receipt number through our partner portal.',
    'fail',
  ],
  [
    'kb-6',
    'What does an order id look like?',
    'An order id has the form ORD-12345 and expires after 90 days.',
    'fail',
  ],
  [
    'kb-7',
    'How do I export my data?',
    'Export all your files as a ZIP archive from Settings > Data > Export.',
    'pass',
  ],
  ['kb-7', 'Can I download everything?', 'You can export all your files as a ZIP archive.', 'pass'],
  ['kb-7', 'How do I export my data?', 'Export your files as a PDF report from the billing page.', 'fail'],
  ['kb-7', 'Can I download everything?', 'Exports are limited to 2 GB per day.', 'fail'],
  [
    'kb-8',
    'When is support available?',
    'Human support is available Monday to Friday, 9:00 to 17:00 CET.',
    'pass',
  ],
  ['kb-8', 'Can I talk to a human?', 'Human support is available Monday to Friday.', 'pass'],
  ['kb-8', 'When is support available?', 'Human support is available every day, 8:00 to 20:00 CET.', 'fail'],
  [
    'kb-8',
    'Can I talk to a human?',
    'Human support is available around the clock, including weekends.',
    'fail',
  ],
  [
    'kb-1',
    'Are annual plans refundable?',
    'Annual plans can be refunded within 30 days of purchase.',
    'pass',
  ],
  ['kb-2', 'Is there a Team plan?', 'Yes. The Team plan costs $20 per user per month.', 'pass'],
  [
    'kb-4',
    'Do free accounts get storage?',
    'Free accounts include 5 GB of storage; Pro accounts include 2 TB.',
    'pass',
  ],
  ['kb-2', 'Is there a Team plan?', 'The Team plan costs $18 per user per month for annual billing.', 'fail'],
  ['kb-3', 'Where is the reset option?', 'Choose Reset password under Settings > Security.', 'pass'],
  [
    'kb-8',
    'What time zone are support hours in?',
    'Support hours are given in Pacific time, 9:00 to 17:00 PST.',
    'fail',
  ],
];

const rows = EXAMPLES.map(([article, question, answer, label], i) => ({
  id: `label-${String(i + 1).padStart(3, '0')}`,
  input: { question },
  output: JSON.stringify({ answer, citations: [article] }),
  context: { retrieved: [{ id: article, text: kb[article].text }] },
  metadata: { failure_mode: 'hallucination' },
  label,
  reviewer: 'support-lead@acme.example',
}));
writeFileSync(
  path.join(dir, 'labels/faithfulness.jsonl'),
  rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
);
console.log(`wrote ${rows.length} labelled examples (${rows.filter((r) => r.label === 'pass').length} pass)`);
