export type { BudgetAlert, BudgetAlertSink } from './budget-alerts.js';
export { WebhookAlertSink } from './budget-alerts.js';
export { redactPii } from './guardrails.js';
