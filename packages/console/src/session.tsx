import { createContext, useContext } from 'react';
import { ApiError, call } from './api';

export interface Session {
  token: string;
  /** An ADMIN_API_TOKENS token: the admin pages (endpoints, deliveries) are open to it. */
  admin: boolean;
  signOut: (message?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

/**
 * Checks a token against events-api. Only a 401 refuses it: a scoped token may be answered 400
 * (its scope spans several providers, so an unfiltered read needs provider=) or 403, and is
 * still a token the API knows. Then GET /endpoints tells an admin token (200) from a reader's (403).
 */
export async function checkToken(token: string): Promise<{ ok: true; admin: boolean } | { ok: false; message: string }> {
  try {
    await call('GET', '/events', { token, query: { limit: 1 } });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) return { ok: false, message: 'This token was refused (401): it is not one of events-api’s EVENTS_API_TOKENS or ADMIN_API_TOKENS.' };
    if (err.status === 0) return { ok: false, message: `events-api did not answer: ${err.message}` };
  }
  try {
    await call('GET', '/endpoints', { token, query: { limit: 1 } });
    return { ok: true, admin: true };
  } catch {
    return { ok: true, admin: false };
  }
}
