import { ENV_BY_PATH } from './env-overrides';

/** `routes.1.upstream` → `routes[1].upstream`, with the environment variable that sets it, if any. */
export function formatPath(path: readonly string[]): string {
  const text = path.reduce((out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`), '');
  const env = ENV_BY_PATH.get(path.join('.'));
  return env ? `${text} (${env})` : text;
}
