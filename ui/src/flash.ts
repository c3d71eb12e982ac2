// A short message that outlives a navigation ("Job created", "Job deleted"), shown in a status region.
const listeners = new Set<(message: string | undefined) => void>();
let message: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

export function flash(text: string): void {
  message = text;
  listeners.forEach((listener) => listener(message));
  clearTimeout(timer);
  timer = setTimeout(() => {
    message = undefined;
    listeners.forEach((listener) => listener(message));
  }, 6000);
}

export function subscribeFlash(listener: (message: string | undefined) => void): () => void {
  listeners.add(listener);
  listener(message);
  return () => void listeners.delete(listener);
}
