import type { BudgetPeriod } from '../config/gateway-config.js';

interface Period {
  id: string;
  startsAt: number;
  endsAt: number;
}

// Per-request budget checks ask for the same period over and over; dates change rarely.
const lastPeriod = new Map<BudgetPeriod, Period>();

/** The current calendar period (UTC): an id for counter keys and when it ends. */
export function currentPeriod(period: BudgetPeriod, now: number): { id: string; endsAt: number } {
  const cached = lastPeriod.get(period);
  if (cached && now >= cached.startsAt && now < cached.endsAt)
    return { id: cached.id, endsAt: cached.endsAt };
  const computed = computePeriod(period, now);
  lastPeriod.set(period, computed);
  return { id: computed.id, endsAt: computed.endsAt };
}

function computePeriod(period: BudgetPeriod, now: number): Period {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  if (period === 'day') {
    const startsAt = Date.UTC(year, month, day);
    return { id: isoDate(startsAt), startsAt, endsAt: Date.UTC(year, month, day + 1) };
  }
  if (period === 'week') {
    // ISO weeks start on Monday.
    const monday = day - ((date.getUTCDay() + 6) % 7);
    const startsAt = Date.UTC(year, month, monday);
    return { id: `w${isoDate(startsAt)}`, startsAt, endsAt: Date.UTC(year, month, monday + 7) };
  }
  const startsAt = Date.UTC(year, month, 1);
  return { id: isoDate(startsAt).slice(0, 7), startsAt, endsAt: Date.UTC(year, month + 1, 1) };
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
