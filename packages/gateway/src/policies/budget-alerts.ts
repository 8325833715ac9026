/** A budget crossed its alert threshold or was used up. */
export interface BudgetAlert {
  kind: 'threshold' | 'exhausted';
  /** What the budget applies to, e.g. `user alice`, `route chat`, `key ck-1a2b3c4d`. */
  subject: string;
  scope: 'user' | 'tag' | 'route' | 'key';
  period: string;
  limitUsd: number;
  spentUsd: number;
  /** ISO time the period ends and spending resets. */
  resetsAt: string;
}

/** Receives budget alerts (a webhook, a test's array, a pager). Must not throw. */
export interface BudgetAlertSink {
  notify(alert: BudgetAlert): void;
}

/** POSTs each alert as JSON to a webhook URL from the config; failures are counted, not thrown. */
export class WebhookAlertSink implements BudgetAlertSink {
  failures = 0;

  constructor(
    private readonly url: string,
    private readonly fetchFunction: typeof fetch = globalThis.fetch,
  ) {}

  notify(alert: BudgetAlert): void {
    this.fetchFunction(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'cairn.gateway.budget_alert', alert }),
      signal: AbortSignal.timeout(10_000),
    })
      .then((response) => {
        if (!response.ok) this.failures++;
        return response.body?.cancel();
      })
      .catch(() => {
        this.failures++;
      });
  }
}
