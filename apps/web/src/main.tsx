import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { ExperimentsPage } from './pages/experiments-page';
import './styles.css';

// Pages past the first load on demand, so the first page's JavaScript stays small.
const RunsPage = lazy(() => import('./pages/runs-page'));
const RunPage = lazy(() => import('./pages/run-page'));
const ComparePage = lazy(() => import('./pages/compare-page'));
const TracesPage = lazy(() => import('./pages/traces-page'));
const TracePage = lazy(() => import('./pages/trace-page'));
const SessionsPage = lazy(() => import('./pages/sessions-page'));
const ModelsPage = lazy(() => import('./pages/models-page'));
const ModelPage = lazy(() => import('./pages/model-page'));
const PromptsPage = lazy(() => import('./pages/prompts-page'));
const PromptPage = lazy(() => import('./pages/prompt-page'));
const EvaluationsPage = lazy(() => import('./pages/evaluations-page'));
const GatewayPage = lazy(() => import('./pages/gateway-page'));
const DashboardsPage = lazy(() => import('./pages/dashboards-page'));

function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Navigate to="/experiments" replace />} />
            <Route path="experiments" element={<ExperimentsPage />} />
            <Route path="experiments/:experimentId" element={<Navigate to="runs" replace />} />
            <Route path="experiments/:experimentId/runs" element={<RunsPage />} />
            <Route path="experiments/:experimentId/traces" element={<TracesPage />} />
            <Route path="experiments/:experimentId/sessions" element={<SessionsPage />} />
            <Route path="runs/:runId" element={<RunPage />} />
            <Route path="compare" element={<ComparePage />} />
            <Route path="traces/:traceId" element={<TracePage />} />
            <Route path="models" element={<ModelsPage />} />
            <Route path="models/:name" element={<ModelPage />} />
            <Route path="prompts" element={<PromptsPage />} />
            <Route path="prompts/:name" element={<PromptPage />} />
            <Route path="evaluations" element={<EvaluationsPage />} />
            <Route path="gateway" element={<GatewayPage />} />
            <Route path="dashboards" element={<DashboardsPage />} />
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

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
