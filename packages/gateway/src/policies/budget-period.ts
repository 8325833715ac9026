import type { BudgetPeriod } from '../config/gateway-config.js';

/** The current calendar period (UTC): an id for counter keys and when it ends. */
export function currentPeriod(period: BudgetPeriod, now: number): { id: string; endsAt: number } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  if (period === 'day') {
    return { id: isoDate(Date.UTC(year, month, day)), endsAt: Date.UTC(year, month, day + 1) };
  }
  if (period === 'week') {
    // ISO weeks start on Monday.
    const monday = day - ((date.getUTCDay() + 6) % 7);
    return {
      id: `w${isoDate(Date.UTC(year, month, monday))}`,
      endsAt: Date.UTC(year, month, monday + 7),
    };
  }
  return {
    id: isoDate(Date.UTC(year, month, 1)).slice(0, 7),
    endsAt: Date.UTC(year, month + 1, 1),
  };
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
