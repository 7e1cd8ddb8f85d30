/** Does nothing: the benchmark's unit of work and the cheapest way to see the queue move. */
import type { RunHandler } from './types.js';

export const noopHandler: RunHandler = {
  kind: 'noop',
  async handle() {
    return null;
  },
};
