import type { CostForecast } from '@cairn/spec';
import { dayMs } from './time-buckets.js';

const fitWindowDays = 30;

/** The days a forecast needs the spend of: the fit window and the month so far. */
export interface ForecastWindow {
  fitStartMs: number;
  fitDays: number;
  monthStartMs: number;
  monthEndMs: number;
  /** Earliest day whose spend is needed (the earlier of fit start and month start). */
  firstDayMs: number;
}

/** Which days a forecast of the month containing `endMs` reads, given the range starts at `startMs`. */
export function forecastWindow(startMs: number, endMs: number): ForecastWindow {
  const last = new Date(endMs - 1);
  const monthStartMs = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1);
  const monthEndMs = Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1);
  const from = Math.max(startMs, endMs - fitWindowDays * dayMs);
  const fitStartMs = Math.ceil(from / dayMs) * dayMs;
  const fitEndMs = Math.floor(endMs / dayMs) * dayMs;
  const fitDays = Math.max(0, (fitEndMs - fitStartMs) / dayMs);
  return {
    fitStartMs,
    fitDays,
    monthStartMs,
    monthEndMs,
    firstDayMs: Math.min(fitStartMs, monthStartMs),
  };
}

/**
 * Fits a least-squares line through the daily spend of the fit window (day i at x = i + 0.5) and
 * integrates it from `endMs` to the month's end. `dailyCost` maps a UTC day's start to its spend
 * (missing days spent nothing); `monthToDate` is the spend from month start to `endMs`.
 */
export function forecastMonth(
  window: ForecastWindow,
  endMs: number,
  dailyCost: ReadonlyMap<number, number>,
  monthToDate: number,
): CostForecast {
  const n = window.fitDays;
  let intercept = 0;
  let slope = 0;
  if (n > 0) {
    const ys = Array.from(
      { length: n },
      (_, day) => dailyCost.get(window.fitStartMs + day * dayMs) ?? 0,
    );
    const meanX = n / 2; // mean of i + 0.5 for i in 0..n-1
    const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
    if (n >= 2) {
      let covariance = 0;
      let variance = 0;
      ys.forEach((y, day) => {
        covariance += (day + 0.5 - meanX) * (y - meanY);
        variance += (day + 0.5 - meanX) ** 2;
      });
      slope = covariance / variance;
    }
    intercept = meanY - slope * meanX;
  }
  const at = (timeMs: number) => (timeMs - window.fitStartMs) / dayMs;
  const from = at(Math.min(endMs, window.monthEndMs));
  const to = at(window.monthEndMs);
  const integral = intercept * (to - from) + (slope * (to * to - from * from)) / 2;
  const remaining = Math.max(0, integral);
  const points: CostForecast['points'] = [];
  for (let day = Math.ceil(endMs / dayMs) * dayMs; day < window.monthEndMs; day += dayMs) {
    points.push({ day_start_ms: day, cost: Math.max(0, intercept + slope * (at(day) + 0.5)) });
  }
  return {
    month_start_ms: window.monthStartMs,
    month_end_ms: window.monthEndMs,
    month_to_date: monthToDate,
    fit_start_ms: window.fitStartMs,
    fit_days: n,
    daily_intercept: intercept,
    daily_slope: slope,
    projected_remaining: remaining,
    projected_month_total: monthToDate + remaining,
    points,
  };
}
