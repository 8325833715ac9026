import type {
  CostDashboard,
  PerformanceDashboard,
  QualityDashboard,
  UsageDashboard,
} from '@cairn/spec';
import { useSearchParams } from 'react-router-dom';
import { api, cairn, mlflow } from '../api/client';
import type { Experiment } from '../api/types';
import { CostView, PerformanceView, QualityView, UsageView } from '../components/dashboard-views';
import { FilterField } from '../components/filter-field';
import { Async, Loading } from '../components/states';
import { useApi } from '../lib/use-api';

const boards = [
  ['performance', 'Performance'],
  ['cost', 'Cost'],
  ['usage', 'Usage'],
  ['quality', 'Quality'],
] as const;
const ranges: Record<string, number> = {
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
  '90d': 7_776_000_000,
};
const groupable = new Set(['cost', 'usage']);

/**
 * Dashboards computed by the server (`/api/2.0/cairn/dashboards/<board>`): time range, filters
 * (experiment, route, model, user, tag) and group-by live in the URL. A server without these
 * endpoints shows "not available" rather than made-up numbers.
 */
export default function DashboardsPage() {
  const [params, setParams] = useSearchParams();
  const board = params.get('board') ?? 'performance';
  const range = params.get('range') ?? '7d';
  const get = (key: string) => params.get(key) ?? '';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const experiments = useApi(
    async () =>
      (
        await api.post<{ experiments?: Experiment[] }>(`${mlflow}/experiments/search`, {
          max_results: 1000,
        })
      ).experiments ?? [],
    [],
  );
  const filters = ['experiment_id', 'route', 'model', 'user', 'tag', 'group_by'].map((key) =>
    get(key),
  );
  const state = useApi(async () => {
    const end = Date.now();
    const [experimentId, route, model, user, tag, groupBy] = filters;
    const answer = await api.get<unknown>(`${cairn}/dashboards/${board}`, {
      start_ms: end - (ranges[range] ?? 604_800_000),
      end_ms: end,
      experiment_id: experimentId || undefined,
      route: route || undefined,
      model: model || undefined,
      user: user || undefined,
      tag: tag || undefined,
      group_by: groupable.has(board) && groupBy ? groupBy : undefined,
    });
    // Tagged with its board so a switch never renders one board's answer with another's view.
    return { board, answer };
  }, [board, range, ...filters]);
  const text = (key: string, label: string, width?: number) => (
    <FilterField
      label={label}
      value={get(key)}
      width={width}
      onCommit={(value) => set(key, value)}
    />
  );
  return (
    <div>
      <h1>Dashboards</h1>
      <div className="tabs">
        {boards.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={board === id ? 'active' : ''}
            onClick={() => set('board', id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="toolbar">
        <select
          aria-label="Time range"
          value={range}
          onChange={(event) => set('range', event.target.value)}
        >
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
          <option value="90d">Last 90 days</option>
        </select>
        <select
          aria-label="Experiment"
          value={get('experiment_id')}
          onChange={(event) => set('experiment_id', event.target.value)}
        >
          <option value="">All experiments</option>
          {(experiments.data ?? []).map((experiment) => (
            <option key={experiment.experiment_id} value={experiment.experiment_id}>
              {experiment.name}
            </option>
          ))}
        </select>
        {text('route', 'Route')}
        {text('model', 'Model')}
        {text('user', 'User')}
        {text('tag', 'Tag key=value', 150)}
        {groupable.has(board) && (
          <select
            aria-label="Group by"
            value={get('group_by')}
            onChange={(event) => set('group_by', event.target.value)}
          >
            <option value="">{board === 'cost' ? 'Group by model' : 'No grouping'}</option>
            <option value="model">Model</option>
            <option value="route">Route</option>
            <option value="user">User</option>
            <option value="session">Session</option>
            <option value="experiment">Experiment</option>
            <option value="tag:cost_center">Cost centre tag</option>
          </select>
        )}
      </div>
      <Async state={state}>
        {({ board: shown, answer: data }) =>
          shown !== board ? (
            <Loading />
          ) : board === 'performance' ? (
            <PerformanceView data={data as PerformanceDashboard} />
          ) : board === 'cost' ? (
            <CostView data={data as CostDashboard} />
          ) : board === 'usage' ? (
            <UsageView data={data as UsageDashboard} />
          ) : (
            <QualityView data={data as QualityDashboard} />
          )
        }
      </Async>
    </div>
  );
}
