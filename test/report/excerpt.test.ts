import { excerptAround } from '../../src/report/excerpt.js';
import { formatDelta, formatPercent } from '../../src/report/format.js';

const long =
  'Thanks for reaching out! I checked your order and everything looks fine on our side. Good news: we offer free returns for 90 days on all items, so you can send it back any time. Anything else?';

describe('excerptAround', () => {
  test.each([
    [
      'short output is kept whole',
      'Warranty? No idea.',
      ['contains 0.00: missing "one year"'],
      'Warranty? No idea.',
    ],
    [
      'centred on the quoted unsupported claim',
      long,
      ['unsupported: "free returns for 90 days" (number)'],
      '…looks fine on our side. Good news: we offer free returns for 90 days on all items, so you can send it back any time.…',
    ],
    [
      'the start when the evidence is absent from the output',
      long,
      ['contains 0.00: missing "30 days"'],
      'Thanks for reaching out! I checked your order and everything looks fine on our side. Good news: we offer free returns…',
    ],
    [
      'a wrong argument value near the end',
      `${'x'.repeat(200)} {"order_id":"A-1","amount":"42"}`,
      ['tool-call 0.00: refund_order.amount expected 42, got "42"'],
      /^…x+ \{"order_id":"A-1","amount":"42"\}$/,
    ],
  ])('%s', (_name, output, reasons, expected) => {
    const got = excerptAround(output, reasons, 120);
    if (typeof expected === 'string') expect(got).toBe(expected);
    else expect(got).toMatch(expected);
    expect(got.length).toBeLessThanOrEqual(122);
  });
});

describe('formatPercent and formatDelta: one way everywhere', () => {
  test.each([
    [1, '100%'],
    [0, '0%'],
    [0.9, '90%'],
    [1 / 3, '33.3%'],
    [0.9999, '99.9%'],
    [0.0001, '0.1%'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('formatPercent(%p) = %p', (rate, text) => {
    expect(formatPercent(rate)).toBe(text);
  });
  test.each([
    [0.5, 1, '−50.0 pts'],
    [1, 0.9, '+10.0 pts'],
    [1, 1, '±0'],
    [null, 1, '—'],
  ])('formatDelta(%p, %p) = %p', (now, before, text) => {
    expect(formatDelta(now, before)).toBe(text);
  });
});
