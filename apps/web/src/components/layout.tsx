import { useEffect, useState } from 'react';
import { NavLink, Outlet } from 'react-router-dom';

const sections = [
  ['/experiments', 'Experiments'],
  ['/models', 'Models'],
  ['/prompts', 'Prompts'],
  ['/evaluations', 'Evaluations'],
  ['/gateway', 'Gateway'],
  ['/dashboards', 'Dashboards'],
] as const;

/** The app frame: header with navigation and the theme switch, and the current page below. */
export function Layout() {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('cairn.theme', theme);
  }, [theme]);
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/experiments" className="brand">
          ◭ Cairn
        </NavLink>
        <nav aria-label="Main">
          {sections.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <button
          type="button"
          className="ghost"
          aria-label="Switch theme"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
