/**
 * The CLI's options become the API's JSON body field for field (the server validates them with the form's schema),
 * and what parseArgs cannot know (a number that is not one) is refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { createRunSchema } from '../../../src/bench/create.js';
import { optionFor, parseCommand, UsageError } from '../../../worker/cli/args.js';

describe('bench run options', () => {
  it('map onto the fields of POST /api/bench/runs', () => {
    const cmd = parseCommand([
      'bench', 'run', '--model', 'offline/offline', '--model', 'openai-compatible/m', '--dataset', 'bank', '--kind', 'numeric,code', '--topic', 'attention',
      '--difficulty', 'easy', '--tag', 'a', '--tag', 'b', '--percent', '12.5', '--seed', 's1', '--samples', '3', '--temperature', '0.7', '--max-tokens', '256',
      '--concurrency', '8', '--budget-usd', '1.5', '--budget-tokens', '90000', '--exceed-max-cost', '--wait', '--json',
    ]);
    expect(cmd).toMatchObject({ command: 'run', wait: true, json: true });
    const input = (cmd as Extract<typeof cmd, { command: 'run' }>).input;
    expect(input).toEqual({
      models: ['offline/offline', 'openai-compatible/m'], dataset: 'bank', kinds: ['numeric', 'code'], topics: ['attention'], difficulties: ['easy'], tags: ['a', 'b'],
      percent: 12.5, seed: 's1', samples: 3, temperature: 0.7, maxOutputTokens: 256, concurrency: 8, budgetUsd: 1.5, budgetTokens: 90000, exceedMaxCost: true,
    });
    // Every field is one the form's schema knows (it is strict: an unknown key would be refused).
    expect(createRunSchema.safeParse(input).success).toBe(true);
  });

  it('names the option behind a field in messages', () => {
    expect(optionFor('maxOutputTokens')).toBe('--max-tokens');
    expect(optionFor('kinds')).toBe('--kind');
    expect(optionFor('budgetUsd')).toBe('--budget-usd');
    expect(optionFor('seed')).toBe('--seed');
  });

  it('refuses what is not a number, an unknown option and a missing model', () => {
    expect(() => parseCommand(['bench', 'run', '--model', 'a/b', '--count', '1e'])).toThrow(new UsageError('--count must be a number (got "1e")'));
    expect(() => parseCommand(['bench', 'run', '--model', 'a/b', '--colour'])).toThrow(/Unknown option '--colour'/);
    expect(() => parseCommand(['bench', 'run'])).toThrow(/needs --model/);
    expect(() => parseCommand(['bench', 'items', '12x'])).toThrow(/takes one run id/);
    expect(parseCommand(['bench', 'items', '12', '--api-url', 'http://127.0.0.1:3000'])).toMatchObject({ command: 'items', id: '12', apiUrl: 'http://127.0.0.1:3000' });
  });
});
