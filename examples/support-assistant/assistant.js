import { KNOWLEDGE_BASE, ORDERS, TOOLS, SYSTEM_PROMPT } from './knowledge-base.js';

/**
 * The demo support assistant: retrieval over a tiny knowledge base, two tools, JSON answers with
 * citations. Plain deterministic code standing in for an LLM application, so the demo needs no API key.
 * `createAssistant(flags)` builds it; build-good.js and build-regressed.js differ only in the flags, the
 * way a prompt or code change would differ between main and a pull request.
 */

const STOPWORDS = new Set(
  'a an the is are do does i my me you your to of for in on and or how what when can with it be'.split(' '),
);
/** Query-side synonyms: "cost" finds the pricing article, "money back" the refund one. */
const SYNONYMS = {
  cost: 'costs',
  price: 'costs',
  pay: 'costs',
  money: 'refunds',
  refund: 'refunds',
  back: 'refunds',
  login: 'password',
  space: 'storage',
  gb: 'storage',
  ship: 'ship',
};

function terms(text, useSynonyms) {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.filter((w) => !STOPWORDS.has(w)).map((w) => (useSynonyms && SYNONYMS[w]) || w);
}

function retrieve(question, flags, k = 3) {
  const query = new Set(terms(question, !flags.dropSynonyms));
  const scored = KNOWLEDGE_BASE.map((doc, index) => {
    const words = terms(`${doc.title} ${doc.text}`, false);
    let score = 0;
    for (const w of words) if (query.has(w)) score++;
    return { id: doc.id, text: doc.text, score, index };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored
    .filter((d) => d.score > 0)
    .slice(0, k)
    .map(({ id, text, score }) => ({ id, text, score }));
}

function firstSentence(text) {
  return text.split(/(?<=\.)\s/)[0];
}

const WORDS = new Intl.Segmenter('en', { granularity: 'word' });

/** Cut text after `max` words, counting words the way Unicode does ("9:00" is two), as graders do. */
function limitWords(text, max) {
  let count = 0;
  for (const { index, isWordLike } of WORDS.segment(text)) {
    if (isWordLike && ++count > max)
      return (
        text
          .slice(0, index)
          .trim()
          .replace(/[,;:]$/, '') + '…'
      );
  }
  return text;
}

/** Build the assistant with the given behaviour flags (all false = the good build). */
export function createAssistant(flags = {}) {
  return async function answer(input) {
    const question = typeof input === 'string' ? input : input.question;
    const urgent = /\b(urgent|broken|down|outage)\b/i.test(question);
    // An urgent request is about reaching a human: look up the support-hours article alongside it.
    const retrieved = retrieve(urgent ? `${question} support hours` : question, flags);
    const toolCalls = [];
    let answerText;
    let citations;

    const orderId = /ORD-(\d{5})/.exec(question);
    if (orderId) {
      const args = flags.numericOrderId ? { order_id: Number(orderId[1]) } : { order_id: orderId[0] };
      const order = ORDERS[orderId[0]];
      toolCalls.push({
        name: 'lookup_order',
        arguments: JSON.stringify(args),
        result: order ?? { error: 'not found' },
      });
      answerText = order
        ? `Order ${orderId[0]} is ${order.status}.`
        : `I could not find order ${orderId[0]}.`;
      citations = ['kb-6'];
    } else if (urgent) {
      const priority = flags.lowPriorityTickets ? 'low' : 'urgent';
      toolCalls.push({
        name: 'create_ticket',
        arguments: JSON.stringify({ priority, summary: question.slice(0, 80) }),
      });
      answerText = 'I have opened an urgent ticket; a human agent will contact you.';
      citations = ['kb-8'];
    } else if (retrieved.length === 0) {
      answerText = 'Sorry, I could not find that in the help centre.';
      citations = [];
    } else {
      const top = retrieved[0];
      answerText = firstSentence(top.text);
      // The regressed build "remembers" the pricing article instead of citing what it retrieved, and
      // states a price it made up.
      citations = flags.citeFromMemory ? ['kb-2'] : [top.id];
      if (flags.citeFromMemory && top.id !== 'kb-2') answerText += ' Plans start at $9 per month.';
    }

    if (input.max_words && !flags.ignoreWordLimit) answerText = limitWords(answerText, input.max_words);
    if (flags.signEmails) answerText += ' Questions? Write to help@acme.example.';

    const json = JSON.stringify({ answer: answerText, citations });
    const output =
      flags.proseWrapper && input.channel === 'email'
        ? `Sure! Here is the answer:\n${json}\nHope this helps!`
        : json;
    return {
      output,
      tool_calls: toolCalls,
      retrieved,
      metadata: { system_prompt: SYSTEM_PROMPT, tools: TOOLS.map((t) => t.function.name) },
    };
  };
}
