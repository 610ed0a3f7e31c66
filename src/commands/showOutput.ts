// "CDN Purge: Show Output": the log of every request and its status.
import type { Services } from '../host/services';

/** Command.showOutput. */
export function showOutput(s: Services) {
  return (): void => s.log.show();
}
