import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/concerts/…): the gateway serves one index.html and never needs a fallback route. */
export type Route =
  | { name: 'login' }
  | { name: 'concerts' }
  | { name: 'queue'; concertId: string }
  | { name: 'seats'; concertId: string }
  | { name: 'reservations' }
  | { name: 'balance' }
  | { name: 'admin'; concertId?: string };

const UUID = '[0-9a-fA-F-]{36}';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/concerts';
  let m: RegExpExecArray | null;
  if (path === '/login') return { name: 'login' };
  if ((m = new RegExp(`^/concerts/(${UUID})/queue$`).exec(path))) return { name: 'queue', concertId: m[1] as string };
  if ((m = new RegExp(`^/concerts/(${UUID})/seats$`).exec(path))) return { name: 'seats', concertId: m[1] as string };
  if (path === '/reservations') return { name: 'reservations' };
  if (path === '/balance') return { name: 'balance' };
  if (path === '/admin') return { name: 'admin' };
  if ((m = new RegExp(`^/admin/(${UUID})$`).exec(path))) return { name: 'admin', concertId: m[1] as string };
  return { name: 'concerts' };
}

export function href(r: Route): string {
  switch (r.name) {
    case 'queue':
      return `#/concerts/${r.concertId}/queue`;
    case 'seats':
      return `#/concerts/${r.concertId}/seats`;
    case 'admin':
      return r.concertId ? `#/admin/${r.concertId}` : '#/admin';
    default:
      return `#/${r.name}`;
  }
}

export function go(r: Route): void {
  location.hash = href(r);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
