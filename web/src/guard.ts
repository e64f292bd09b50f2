import { apiKey, Unauthorized } from './api.js';
import { byId } from './dom.js';

/** What a page's guard keeps up to date: its state's status and error, and its status line. */
export interface GuardedPage {
  state: { status: string; error?: string };
  report(line: string): void;
}

/**
 * The one way a page runs what calls the server: a 401 shows the key form, and the action runs
 * again once a key is entered (kept by `apiKey`); any other error is reported. Wires the form.
 */
export function createGuard(page: GuardedPage): (action: () => Promise<void>) => Promise<void> {
  let retry: (() => Promise<void>) | undefined;
  const guarded = async (action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (err) {
      if (err instanceof Unauthorized) {
        retry = action;
        page.state.status = 'needs-key';
        byId('key-form').hidden = false;
        byId<HTMLInputElement>('api-key').focus();
        page.report('This server needs an API key: enter it below.');
        return;
      }
      page.state.status = 'error';
      page.state.error = (err as Error).message;
      page.report(`Error: ${page.state.error}`);
    }
  };
  byId<HTMLFormElement>('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    apiKey.set(byId<HTMLInputElement>('api-key').value.trim());
    byId('key-form').hidden = true;
    page.state.status = 'ready';
    const again = retry;
    retry = undefined;
    if (again) void guarded(again);
  });
  return guarded;
}
