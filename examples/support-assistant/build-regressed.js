import { createAssistant } from './assistant.js';

/**
 * A regressed build, as a careless pull request would make it: it cites articles from memory (and invents a
 * price), passes the order id as a number, loses the query synonyms (retrieval misses), ignores the word
 * limit and signs answers with an email address, and wraps email-channel answers in prose (broken JSON).
 * `tracegate eval --task module:./examples/support-assistant/build-regressed.js#answer` exits 1.
 */
export const answer = createAssistant({
  citeFromMemory: true,
  numericOrderId: true,
  dropSynonyms: true,
  ignoreWordLimit: true,
  signEmails: true,
  proseWrapper: true,
});
