import { Scrubber, parseScrubPattern, luhnValid, ibanValid } from '../../src/promote/scrub.js';
import { UsageError } from '../../src/errors.js';

const cases: Array<[kind: string, text: string, expected: string]> = [
  ['email', 'write to jane.doe+orders@mail.example.co.uk today', 'write to <EMAIL_1> today'],
  ['phone', 'call +44 20 7946 0958 or (415) 555-0132', 'call <PHONE_1> or <PHONE_2>'],
  ['phone', 'my number is 415-555-0132.', 'my number is <PHONE_1>.'],
  ['card_number', 'card 4111 1111 1111 1111 exp 12/27', 'card <CARD_NUMBER_1> exp 12/27'],
  ['card_number', 'card 5500-0000-0000-0004', 'card <CARD_NUMBER_1>'],
  ['iban', 'IBAN DE89 3704 0044 0532 0130 00 please', 'IBAN <IBAN_1> please'],
  ['iban', 'to GB82WEST12345698765432', 'to <IBAN_1>'],
  ['api_key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx123 leaked', 'key <API_KEY_1> leaked'],
  ['api_key', 'aws AKIAIOSFODNN7EXAMPLE here', 'aws <API_KEY_1> here'],
  ['api_key', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '<API_KEY_1>'],
  ['api_key', 'config api_key="s3cr3t-value-123"', 'config api_key="<API_KEY_1>"'],
  ['bearer_token', 'Authorization: Bearer abc.def-ghi_jkl~123', 'Authorization: Bearer <BEARER_TOKEN_1>'],
  [
    'bearer_token',
    'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'jwt <BEARER_TOKEN_1>',
  ],
  [
    'ip_address',
    'from 192.168.10.24 and 2001:db8:85a3::8a2e:370:7334',
    'from <IP_ADDRESS_1> and <IP_ADDRESS_2>',
  ],
];

test.each(cases)('scrubs %s: %s', (kind, text, expected) => {
  const s = new Scrubber();
  expect(s.scrubText(text)).toBe(expected);
  expect(s.counts[kind]).toBeGreaterThanOrEqual(1);
});

test('ordinary numbers, dates, versions, order ids and amounts are left alone', () => {
  const s = new Scrubber();
  const text =
    'Order A-1234 of 2026-11-20 for $1,299.00 (qty 12), model gpt-4.1, 30 days, invoice 4111111111111112, ref 12345678';
  expect(s.scrubText(text)).toBe(text);
  expect(s.counts).toEqual({});
});

test('placeholders are stable within a row and scrubbing reaches every nested string', () => {
  const s = new Scrubber();
  const row = {
    input: { question: 'I am jane@example.com, call me' },
    output: 'Sure jane@example.com, we will email bob@example.com',
    context: { tool_calls: [{ name: 'email', arguments: '{"to":"jane@example.com"}' }] },
  };
  expect(s.scrub(row)).toEqual({
    input: { question: 'I am <EMAIL_1>, call me' },
    output: 'Sure <EMAIL_1>, we will email <EMAIL_2>',
    context: { tool_calls: [{ name: 'email', arguments: '{"to":"<EMAIL_1>"}' }] },
  });
  expect(s.counts).toEqual({ email: 4 });
});

test('user patterns come first and are counted under their own name', () => {
  const s = new Scrubber([
    parseScrubPattern('customer_id=CUST-\\d{6}'),
    parseScrubPattern('codename=(?i)project \\w+'),
  ]);
  expect(s.scrubText('customer CUST-004211 asked about Project Falcon')).toBe(
    'customer <CUSTOMER_ID_1> asked about <CODENAME_1>',
  );
  expect(s.counts).toEqual({ customer_id: 1, codename: 1 });
  expect(() => parseScrubPattern('nope')).toThrow(UsageError);
  expect(() => parseScrubPattern('x=(')).toThrow(/invalid regular expression/);
});

test('checksums', () => {
  expect(luhnValid('4111111111111111')).toBe(true);
  expect(luhnValid('4111111111111112')).toBe(false);
  expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
  expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
});
