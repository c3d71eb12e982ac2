// A router of a few lines: the dashboard has a handful of pages, and the History API is all it takes. Paths are
// relative to the base (/ui); the service answers every /ui/* path with index.html.
import { useEffect, useState } from 'preact/hooks';

const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');
const listeners = new Set<() => void>();

export interface Location {
  /** The path below /ui, always starting with "/". */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return { path: path || '/', query: new URLSearchParams(window.location.search) };
}

export function href(path: string): string {
  return BASE + path;
}

/** Goes to `path` (below /ui); `replace` for changes of the same view, such as a filter. */
export function navigate(path: string, { replace = false } = {}): void {
  const target = href(path);
  if (target === window.location.pathname + window.location.search) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', target);
  listeners.forEach((listener) => listener());
}

window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return location;
}

/** Turns a click on an in-app link into navigation without a page load; modified clicks keep their meaning. */
export function followLink(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
