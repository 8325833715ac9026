import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, matchPath, Navigate, Route, Routes } from 'react-router-dom';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { type LazyPage, lazyPage, PageView } from './lib/lazy-page';
import { ExperimentsPage } from './pages/experiments-page';
import './styles.css';

/** Pages past the first load on demand, so the first page's JavaScript stays small. */
const pageRoutes: [path: string, page: LazyPage][] = [
  ['experiments/:experimentId/runs', lazyPage(() => import('./pages/runs-page'))],
  ['experiments/:experimentId/traces', lazyPage(() => import('./pages/traces-page'))],
  ['experiments/:experimentId/sessions', lazyPage(() => import('./pages/sessions-page'))],
  ['runs/:runId', lazyPage(() => import('./pages/run-page'))],
  ['compare', lazyPage(() => import('./pages/compare-page'))],
  ['traces/:traceId', lazyPage(() => import('./pages/trace-page'))],
  ['models', lazyPage(() => import('./pages/models-page'))],
  ['models/:name', lazyPage(() => import('./pages/model-page'))],
  ['prompts', lazyPage(() => import('./pages/prompts-page'))],
  ['prompts/:name', lazyPage(() => import('./pages/prompt-page'))],
  ['evaluations', lazyPage(() => import('./pages/evaluations-page'))],
  ['gateway', lazyPage(() => import('./pages/gateway-page'))],
  ['dashboards', lazyPage(() => import('./pages/dashboards-page'))],
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
