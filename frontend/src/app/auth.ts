// The session endpoints (server: resolvers/session.go). The refresh token
// travels only in the HttpOnly cookie; every call carries the CSRF header
// the server requires, and refreshes are serialised across tabs (the
// cookie is shared and each refresh token is spent once: two tabs spending
// the same one would look like theft and end every session).
import type { AccessToken } from './session';

/** csrfHeaders go with every request that sets or spends the refresh cookie. */
export const csrfHeaders: Record<string, string> = { 'X-Hukou-CSRF': '1' };

export type RefreshResult =
  | ({ ok: true } & AccessToken)
  | { ok: false; reason: 'none' | 'expired' | 'network' };

async function postRefresh(): Promise<RefreshResult> {
  let r: Response;
  try {
    r = await fetch('/auth/refresh', { method: 'POST', headers: csrfHeaders, credentials: 'same-origin' });
  } catch {
    return { ok: false, reason: 'network' };
  }
  if (r.status === 204) return { ok: false, reason: 'none' }; // no cookie: no session to restore
  if (r.ok) {
    const body = (await r.json()) as Partial<AccessToken>;
    if (typeof body.accessToken === 'string' && typeof body.accessExpiresAt === 'string') {
      return { ok: true, accessToken: body.accessToken, accessExpiresAt: body.accessExpiresAt };
    }
    return { ok: false, reason: 'network' };
  }
  if (r.status === 401) return { ok: false, reason: 'expired' };
  return { ok: false, reason: 'network' };
}

/** refreshAccessToken spends the cookie's refresh token once for a new access token (one tab at a time). */
export async function refreshAccessToken(): Promise<RefreshResult> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) return await locks.request('hukou.refresh', postRefresh);
  return await postRefresh();
}

/** logoutSession revokes the cookie's session on the server and clears the cookie. */
export async function logoutSession(): Promise<void> {
  await fetch('/auth/logout', { method: 'POST', headers: csrfHeaders, credentials: 'same-origin' }).catch(() => undefined);
}
