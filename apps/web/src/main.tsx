import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, matchPath, Navigate, Route, Routes } from 'react-router-dom';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { type LazyPage, lazyPage, PageView } from './lib/lazy-page';
import { ExperimentsPage } from './pages/experiments-page';
import './styles.css';

// Pages past the first load on demand, so the first page's JavaScript stays small.
const RunsPage = lazyPage(() => import('./pages/runs-page'));
const RunPage = lazyPage(() => import('./pages/run-page'));
const ComparePage = lazyPage(() => import('./pages/compare-page'));
const TracesPage = lazyPage(() => import('./pages/traces-page'));
const TracePage = lazyPage(() => import('./pages/trace-page'));
const SessionsPage = lazyPage(() => import('./pages/sessions-page'));
const ModelsPage = lazyPage(() => import('./pages/models-page'));
const ModelPage = lazyPage(() => import('./pages/model-page'));
const PromptsPage = lazyPage(() => import('./pages/prompts-page'));
const PromptPage = lazyPage(() => import('./pages/prompt-page'));
const EvaluationsPage = lazyPage(() => import('./pages/evaluations-page'));
const GatewayPage = lazyPage(() => import('./pages/gateway-page'));
const DashboardsPage = lazyPage(() => import('./pages/dashboards-page'));

/** The pages loaded on demand, by route. */
const pageRoutes: [path: string, page: LazyPage][] = [
  ['experiments/:experimentId/runs', RunsPage],
  ['experiments/:experimentId/traces', TracesPage],
  ['experiments/:experimentId/sessions', SessionsPage],
  ['runs/:runId', RunPage],
  ['compare', ComparePage],
  ['traces/:traceId', TracePage],
  ['models', ModelsPage],
  ['models/:name', ModelPage],
  ['prompts', PromptsPage],
  ['prompts/:name', PromptPage],
  ['evaluations', EvaluationsPage],
  ['gateway', GatewayPage],
  ['dashboards', DashboardsPage],
];

function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Navigate to="/experiments" replace />} />
            <Route path="experiments" element={<ExperimentsPage />} />
            <Route path="experiments/:experimentId" element={<Navigate to="runs" replace />} />
            {pageRoutes.map(([path, page]) => (
              <Route key={path} path={path} element={<PageView key={path} page={page} />} />
            ))}
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}

function NotFound() {
  return (
    <div className="state state-empty">
      <strong>Page not found</strong>
      <a href="/experiments">Go to experiments</a>
    </div>
  );
}

/** Renders the app once the page the visit starts on has loaded (see lib/lazy-page.tsx). */
async function start(root: HTMLElement) {
  const first = pageRoutes.find(([path]) => matchPath(`/${path}`, window.location.pathname));
  // A page that fails to load here is loaded again on render, which shows the error.
  await first?.[1].preload().catch(() => undefined);
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void start(root);
