// The loan-chatbot's world, shared by every example: the bank's loan products, the policy
// documents the RAG chain retrieves, the QA set the evaluation runs on, and the deterministic
// answers the fake provider gives (so every run of the story prints the same figures).

/** The bank's loan products: amount in EUR, APR in percent, term in months. */
export const loanProducts = [
  {
    id: 'personal',
    name: 'personal loan',
    words: ['personal'],
    amount: 10_000,
    rate: 6.9,
    term: 60,
  },
  { id: 'car', name: 'car loan', words: ['car', 'vehicle'], amount: 25_000, rate: 4.9, term: 48 },
  {
    id: 'renovation',
    name: 'home renovation loan',
    words: ['renovation', 'renovate', 'kitchen'],
    amount: 15_000,
    rate: 7.5,
    term: 36,
  },
  {
    id: 'student',
    name: 'student loan',
    words: ['student', 'study', 'tuition'],
    amount: 8_000,
    rate: 3.2,
    term: 120,
  },
  {
    id: 'mortgage',
    name: 'mortgage',
    words: ['mortgage', 'house', 'home'],
    amount: 250_000,
    rate: 3.6,
    term: 300,
  },
];

const euros = (value) => `${value.toLocaleString('en-US')} EUR`;

/** Monthly instalment of an annuity loan, rounded to whole euros. */
export function monthlyPayment(product) {
  const monthlyRate = product.rate / 100 / 12;
  return Math.round((product.amount * monthlyRate) / (1 - (1 + monthlyRate) ** -product.term));
}

/** The product a text is about (the last one named wins), or undefined. */
export function productIn(text) {
  const lower = String(text).toLowerCase();
  let found;
  let foundAt = -1;
  for (const product of loanProducts) {
    for (const word of product.words) {
      const at = lower.lastIndexOf(word);
      // "home renovation" names the renovation loan, not the mortgage.
      if (at > foundAt && !(product.id === 'mortgage' && lower.includes('renovation'))) {
        found = product;
        foundAt = at;
      }
    }
  }
  return found;
}

/** The complete answer: amount, rate and term, plus the instalment. */
export function completeAnswer(product) {
  return `A ${euros(product.amount)} ${product.name} over ${product.term} months is offered at ${product.rate}% APR, about ${euros(monthlyPayment(product))} a month.`;
}

/**
 * How the fake model answers, by the system prompt's instructions: a prompt asking for amount,
 * rate and term gets the complete answer; "as few words as possible" gets the rate only; any
 * other prompt (the baseline) forgets the term.
 */
export function answerFor(system, question) {
  const lower = String(question).toLowerCase();
  if (lower.includes('early'))
    return 'Early repayment is free of charge after the first 12 months.';
  if (lower.includes('apply') || lower.includes('eligib')) {
    return 'Anyone 18 or older and resident here can apply, with 3 months of income statements.';
  }
  const product = productIn(question);
  if (!product)
    return 'I can help with personal, car, home renovation, student and mortgage loans.';
  const instructions = String(system).toLowerCase();
  if (instructions.includes('amount, interest rate and term')) return completeAnswer(product);
  if (instructions.includes('few words')) return `${product.rate}% APR.`;
  return `Our ${product.name} of ${euros(product.amount)} is offered at ${product.rate}% APR.`;
}

/** The policy documents the RAG chain retrieves from, one per product plus general ones. */
export const policyDocuments = [
  ...loanProducts.map((product) => ({
    id: `policy-${product.id}`,
    text: `${product.name}: standard amount ${euros(product.amount)}, ${product.rate}% APR fixed, term ${product.term} months, monthly instalment about ${euros(monthlyPayment(product))}.`,
  })),
  {
    id: 'policy-early-repayment',
    text: 'Early repayment of any loan is free of charge after the first 12 months.',
  },
  {
    id: 'policy-eligibility',
    text: 'Applicants must be 18 or older, resident, and show 3 months of income.',
  },
];

/** The evaluation set: questions with the complete answer as the expected response. */
export const loanQuestions = [
  'What would I pay monthly on a personal loan over 5 years?',
  'What rate do you charge for a car loan?',
  'How much can I borrow to renovate my kitchen, and at what rate?',
  'What are the terms of your student loan?',
  'What interest applies to a mortgage for my first house?',
  'Can you tell me the APR and duration of the vehicle financing?',
  'What is the rate on a 10,000 EUR personal loan?',
  'How long do I repay a home renovation loan?',
].map((question) => ({ question, expected: completeAnswer(productIn(question)) }));
