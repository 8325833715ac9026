import { type ComponentType, lazy, useState } from 'react';

/** A page loaded on demand; `preload` fetches its module ahead of its first render. */
export interface LazyPage {
  preload: () => Promise<void>;
  /** The page's component once its module has loaded. */
  loaded?: ComponentType;
  /** The page as `React.lazy`, for renders before it has loaded (they suspend). */
  suspending: ComponentType;
}

/**
 * A page loaded on demand, like `React.lazy`, whose module can be fetched before the page first
 * renders. React 19 reveals content that suspended no sooner than 300 ms after its fallback
 * appeared, so a visit that starts on a lazy page preloads it (see main.tsx) and never suspends:
 * measured, a trace page's first request went out ~290 ms after its code had loaded.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): LazyPage {
  const page: LazyPage = {
    preload: () =>
      load().then((module) => {
        page.loaded = module.default;
      }),
    suspending: lazy(load),
  };
  return page;
}

/** Renders a lazy page: directly when loaded, else through `React.lazy`. */
export function PageView({ page }: { page: LazyPage }) {
  // Chosen once per mount: switching component types later would remount the page.
  const [Component] = useState<ComponentType>(() => page.loaded ?? page.suspending);
  return <Component />;
}
