import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { api, cairn } from '../api/client';
import { JsonView } from '../components/json-tree';
import { Async, Empty } from '../components/states';
import { formatCost, formatDuration, formatNumber } from '../lib/format';
import { useApi } from '../lib/use-api';

interface BudgetUse {
  usd: number;
  period: string;
  spent_usd?: number;
  used?: number;
  per?: string;
}

interface GatewayStatus {
  mounted: boolean;
  message?: string;
  received?: { records: number; dropped: number };
  routes?: {
    name: string;
    route_type: string;
    strategy: string;
    targets: {
      name: string;
      provider: string;
      model: string;
      weight: number;
      circuit: { state: 'closed' | 'open' | 'half-open'; retry_after_ms: number };
      latency_ms?: number;
    }[];
    budget?: BudgetUse;
    cache: { enabled: boolean; hits?: number };
    calls: number;
    errors: number;
  }[];
  calls?: { total: number; errors: number };
  cache?: { lookups: number; hits: number; hit_rate: number };
  budgets?: (BudgetUse & { scope: string; subject?: string })[];
  virtual_keys?: {
    required: boolean;
    keys: {
      id: string;
      name?: string;
      prefixes: string[];
      routes?: string[];
      budget?: BudgetUse;
      status: string;
    }[];
  };
}

const circuitBadge = { closed: 'ok', 'half-open': 'warn', open: 'error' } as const;

/**
 * The gateway mounted in this server (`cairn server --gateway-config`), from
 * `/api/2.0/cairn/gateway/status`: routes and targets with live circuit-breaker state, calls and
 * cache hit rate since start, budget use, and virtual keys by prefix. Refreshes every 5 s.
 */
export default function GatewayPage() {
  const state = useApi(() => api.get<GatewayStatus>(`${cairn}/gateway/status`), []);
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <div>
      <h1>Gateway</h1>
      <Async state={state}>{(status) => <GatewayView status={status} />}</Async>
    </div>
  );
}

function GatewayView({ status }: { status: GatewayStatus }) {
  if (!status.mounted) {
    return (
      <div className="panel">
        <Empty title="No gateway mounted in this server">
          {status.message}
          {status.received && status.received.records > 0
            ? ` Calls logged here by a standalone gateway so far: ${formatNumber(status.received.records)}.`
            : ''}
        </Empty>
        <LoggedRoutes />
      </div>
    );
  }
  return (
    <>
      <div className="panel row">
        <span>Calls: {formatNumber(status.calls?.total)}</span>
        <span>Errors: {formatNumber(status.calls?.errors)}</span>
        <span>
          Cache hit rate: {((status.cache?.hit_rate ?? 0) * 100).toFixed(1)}% (
          {formatNumber(status.cache?.hits)} of {formatNumber(status.cache?.lookups)})
        </span>
      </div>
      <h2>Routes</h2>
      <div className="panel" style={{ padding: 0 }}>
        <table className="simple">
          <thead>
            <tr>
              <th>Route</th>
              <th>Target</th>
              <th>Model</th>
              <th>Weight</th>
              <th>Circuit</th>
              <th>Latency</th>
              <th>Calls / errors</th>
              <th>Budget</th>
            </tr>
          </thead>
          <tbody>
            {(status.routes ?? []).flatMap((route) =>
              route.targets.map((target, index) => (
                <tr key={`${route.name}/${target.name}`} data-testid="gateway-target-row">
                  <td>
                    {index === 0 && (
                      <>
                        <strong>{route.name}</strong>{' '}
                        <span className="muted">
                          {route.route_type} · {route.strategy}
                          {route.cache.enabled ? ' · cached' : ''}
                        </span>
                      </>
                    )}
                  </td>
                  <td>{target.name}</td>
                  <td>
                    {target.provider}/{target.model}
                  </td>
                  <td>{target.weight}</td>
                  <td>
                    <span className={`badge ${circuitBadge[target.circuit.state]}`}>
                      {target.circuit.state}
                    </span>
                    {target.circuit.retry_after_ms > 0 &&
                      ` ${formatDuration(target.circuit.retry_after_ms)}`}
                  </td>
                  <td>
                    {target.latency_ms === undefined ? '—' : formatDuration(target.latency_ms)}
                  </td>
                  <td>{index === 0 ? `${route.calls} / ${route.errors}` : ''}</td>
                  <td>{index === 0 && route.budget ? budgetText(route.budget) : ''}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      {(status.budgets ?? []).length > 0 && (
        <>
          <h2>Budgets</h2>
          <div className="panel" style={{ padding: 0 }}>
            <table className="simple">
              <tbody>
                {(status.budgets ?? []).map((budget) => (
                  <tr key={`${budget.scope}/${budget.subject ?? '*'}/${budget.period}`}>
                    <td>
                      {budget.scope} {budget.subject ?? budget.per ?? ''}
                    </td>
                    <td>{budgetText(budget)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>Virtual keys {status.virtual_keys?.required ? '(required)' : '(optional)'}</h2>
      <div className="panel" style={{ padding: 0 }}>
        {(status.virtual_keys?.keys ?? []).length === 0 ? (
          <Empty title="No virtual keys">Create one with `cairn gateway keys create`.</Empty>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Key</th>
                <th>Prefix</th>
                <th>Routes</th>
                <th>Budget</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {(status.virtual_keys?.keys ?? []).map((key) => (
                <tr key={key.id}>
                  <td>
                    {key.name ?? key.id} <span className="muted">{key.name ? key.id : ''}</span>
                  </td>
                  <td>{key.prefixes.join(' ')}</td>
                  <td>{key.routes?.join(', ') ?? 'all'}</td>
                  <td>{key.budget ? budgetText(key.budget) : ''}</td>
                  <td>
                    <span className={`badge ${key.status === 'active' ? 'ok' : 'error'}`}>
                      {key.status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <details>
        <summary className="muted">Raw status</summary>
        <JsonView value={status} />
      </details>
    </>
  );
}

function budgetText(budget: BudgetUse): string {
  if (budget.spent_usd === undefined) return `${formatCost(budget.usd)} per ${budget.period}`;
  return `${formatCost(budget.spent_usd)} of ${formatCost(budget.usd)} per ${budget.period} (${Math.round((budget.used ?? 0) * 100)}%)`;
}

interface RouteCost {
  key: string | null;
  cost: number;
  total_tokens: number;
  traces: number;
}

const week = 7 * 24 * 3_600_000;

/**
 * Routes of calls a standalone gateway logged here (`cairn gateway --tracking-uri`), from the
 * cost dashboard grouped by route over the last 7 days: its live state stays in that process.
 */
function LoggedRoutes() {
  const state = useApi(() => {
    const end = Date.now();
    return api.get<{ groups?: RouteCost[] }>(`${cairn}/dashboards/cost`, {
      start_ms: String(end - week),
      end_ms: String(end),
      group_by: 'route',
    });
  }, []);
  const routes = (state.data?.groups ?? []).filter((group) => group.key !== null);
  if (routes.length === 0) return null;
  return (
    <>
      <h2>Routes in logged calls, last 7 days</h2>
      <table className="simple">
        <thead>
          <tr>
            <th>Route</th>
            <th>Calls</th>
            <th>Tokens</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((route) => (
            <tr key={route.key} data-testid="logged-route-row">
              <td>
                <Link to={`/dashboards?route=${encodeURIComponent(route.key ?? '')}`}>
                  {route.key}
                </Link>
              </td>
              <td>{formatNumber(route.traces)}</td>
              <td>{formatNumber(route.total_tokens)}</td>
              <td>{formatCost(route.cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
