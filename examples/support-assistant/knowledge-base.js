/** The demo's knowledge base: a handful of help-centre articles for "Acme Cloud", an imaginary file-storage product. */
export const KNOWLEDGE_BASE = [
  {
    id: 'kb-1',
    title: 'Refund policy',
    text: 'Refunds are available within 30 days of purchase for annual plans. Monthly plans are not refundable.',
  },
  {
    id: 'kb-2',
    title: 'Pricing',
    text: 'The Pro plan costs $12 per user per month. The Team plan costs $20 per user per month.',
  },
  {
    id: 'kb-3',
    title: 'Password reset',
    text: 'To reset your password, open Settings > Security and choose Reset password. The reset link expires after 24 hours.',
  },
  {
    id: 'kb-4',
    title: 'Storage limits',
    text: 'Free accounts include 5 GB of storage. Pro accounts include 2 TB of storage.',
  },
  {
    id: 'kb-5',
    title: 'Security keys',
    text: 'Hardware security keys ship within 3 business days of the order.',
  },
  {
    id: 'kb-6',
    title: 'Order status',
    text: 'Look up an order with its order id, which has the form ORD-12345, to see its shipping status.',
  },
  {
    id: 'kb-7',
    title: 'Data export',
    text: 'Export all your files as a ZIP archive from Settings > Data > Export.',
  },
  {
    id: 'kb-8',
    title: 'Support hours',
    text: 'Human support is available Monday to Friday, 9:00 to 17:00 CET.',
  },
];

/** Orders the `lookup_order` tool knows. */
export const ORDERS = {
  'ORD-10001': { status: 'shipped', carrier: 'DHL' },
  'ORD-10002': { status: 'processing' },
  'ORD-20417': { status: 'delivered' },
};

/** The tools the assistant may call, in OpenAI `tools` format. */
export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look up the shipping status of an order.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^ORD-[0-9]{5}$' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'create_ticket',
      description: 'Open a support ticket for a human agent.',
      parameters: {
        type: 'object',
        properties: {
          priority: { type: 'string', enum: ['low', 'normal', 'urgent'] },
          summary: { type: 'string', minLength: 1 },
        },
        required: ['priority', 'summary'],
        additionalProperties: false,
      },
    },
  },
];

export const SYSTEM_PROMPT =
  'You are Acme Cloud support. Answer only from the retrieved articles, cite them by id, reply as JSON {"answer", "citations"}, ' +
  'respect any word limit the user gives, and never include email addresses or other personal data.';
