import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler, storedToken, storeToken } from './api';
import { DeadLetters } from './pages/DeadLetters';
import { EndpointDeliveries, Endpoints } from './pages/Endpoints';
import { EventDetail } from './pages/EventDetail';
import { LocationPage } from './pages/Location';
import { OverviewPage } from './pages/Overview';
import { Events } from './pages/Events';
import { SignIn } from './pages/SignIn';
import { Link, navigate, useLocation } from './router';
import { checkToken, SessionContext, useSession, type Session } from './session';

const ADMIN_KEY = 'hookstream.console.admin';

export function App(): ReactNode {
  const [token, setToken] = useState<string | null>(storedToken);
  const [admin, setAdmin] = useState(() => sessionStorage.getItem(ADMIN_KEY) === 'true');
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((message?: string) => {
    storeToken(null);
    sessionStorage.removeItem(ADMIN_KEY);
    setToken(null);
    setAdmin(false);
    setNotice(message ?? null);
  }, []);
  useEffect(() => setUnauthorizedHandler((m) => signOut(m)), [signOut]);

  const signIn = async (candidate: string): Promise<string | null> => {
    const result = await checkToken(candidate);
    if (!result.ok) return result.message;
    storeToken(candidate);
    sessionStorage.setItem(ADMIN_KEY, String(result.admin));
    setAdmin(result.admin);
    setNotice(null);
    setToken(candidate);
    return null;
  };

  const session = useMemo<Session | null>(() => (token ? { token, admin, signOut } : null), [token, admin, signOut]);
  if (!session) return <SignIn onSignIn={signIn} notice={notice} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell(): ReactNode {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  // After a navigation, move focus to the page so keyboard and screen-reader users start there.
  useEffect(() => {
    main.current?.focus();
  }, [path]);
  const s = useSession();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Hookstream console</span>
        <nav aria-label="Pages">
          <ul>
            <NavItem to="/events" current={path === '/' || path.startsWith('/events')}>
              Events
            </NavItem>
            <NavItem to="/location" current={path.startsWith('/location')}>
              Location
            </NavItem>
            <NavItem to="/overview" current={path === '/overview'}>
              Overview
            </NavItem>
            {s.admin ? (
              <NavItem to="/endpoints" current={path.startsWith('/endpoints')}>
                Endpoints
              </NavItem>
            ) : null}
            {s.admin ? (
              <NavItem to="/dead-letters" current={path === '/dead-letters'}>
                Dead letters
              </NavItem>
            ) : null}
          </ul>
        </nav>
        <span className="who">{s.admin ? 'admin token' : 'reader token'}</span>
        <button type="button" onClick={() => s.signOut('Signed out.')}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Route path={path} />
      </main>
    </div>
  );
}

function NavItem(props: { to: string; current: boolean; children: ReactNode }): ReactNode {
  return (
    <li>
      <Link to={props.to} aria-current={props.current ? 'page' : undefined}>
        {props.children}
      </Link>
    </li>
  );
}

function Route({ path }: { path: string }): ReactNode {
  if (path === '/' || path === '/events') return <Events />;
  let m = /^\/events\/(\d+)$/.exec(path);
  if (m) return <EventDetail id={Number(m[1])} />;
  if (path === '/location') return <LocationPage />;
  if (path === '/overview') return <OverviewPage />;
  if (path === '/endpoints') return <Endpoints />;
  if (path === '/dead-letters') return <DeadLetters />;
  m = /^\/endpoints\/([^/]+)$/.exec(path);
  if (m) return <EndpointDeliveries id={decodeURIComponent(m[1] ?? '')} />;
  return (
    <section aria-labelledby="nf">
      <h1 id="nf">Not found</h1>
      <p>
        No page at <code>/console{path}</code>.{' '}
        <button type="button" className="link" onClick={() => navigate('/events')}>
          Go to events
        </button>
      </p>
    </section>
  );
}
