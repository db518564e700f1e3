import { useId, useState, type FormEvent, type ReactNode } from 'react';

export function SignIn(props: { onSignIn: (token: string) => Promise<string | null>; notice: string | null }): ReactNode {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!token.trim()) {
      setError('Enter a token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setError(await props.onSignIn(token.trim()));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <h1>Hookstream console</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby={`${id}-help`}>
        <label htmlFor={`${id}-token`}>events-api token</label>
        <input
          id={`${id}-token`}
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          autoFocus
        />
        <p id={`${id}-help`} className="help">
          A reader token (EVENTS_API_TOKENS; a scoped token sees only its scope) or an admin token (ADMIN_API_TOKENS). It is kept in this tab’s session storage
          only.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div role="alert" aria-live="assertive" className="status">
        {error ? (
          <p id={`${id}-error`} className="error">
            {error}
          </p>
        ) : props.notice ? (
          <p className="notice">{props.notice}</p>
        ) : null}
      </div>
    </main>
  );
}
