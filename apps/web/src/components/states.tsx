import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** A placeholder with a fixed minimum height so content arriving later does not shift the page. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

/** Shown when a list has nothing in it, with what to do next. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

/** Shows a failed request: a missing endpoint as "not available", anything else with a retry. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.notAvailable) {
    return (
      <Empty title="Not available on this server">
        This server does not expose the API this page needs. Upgrade or enable the feature on the
        server, then reload.
      </Empty>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>Something went wrong</strong>
      <div>{message}</div>
      <div className="muted">Check that the server is running and reachable, then retry.</div>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Renders loading, error or the content of an ApiState-like value. */
export function Async<T>({
  state,
  children,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload?: () => void };
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}
