/** The offline answer to a journal entry: chosen by what the entry mentions, deterministic, rotating by entry id. */
import { describe, expect, it } from 'vitest';
import { offlineAnswer } from '../../../src/reflections/prompts.js';
import { parseModelAnswer } from '../../../src/reflections/service.js';

describe('offlineAnswer', () => {
  it('asks about the theme the entry talks about', () => {
    const busy = offlineAnswer('1', 'Too many meetings this week, no time to think.');
    expect(busy.followUp).toMatch(/day|commitments|say no/);
    expect(busy.observation).toContain('time and how it gets spent');
    const stuck = offlineAnswer('1', 'My paper was rejected again.');
    expect(stuck.followUp).toMatch(/setback|wrong|attempt/);
    expect(stuck.observation).toContain('a setback');
  });

  it('is deterministic, and rotates through a theme’s questions from one entry to the next', () => {
    const text = 'I keep failing at the same proof.';
    expect(offlineAnswer('7', text)).toEqual(offlineAnswer('7', text));
    const asked = new Set(['1', '2', '3'].map((id) => offlineAnswer(id, text).followUp));
    expect(asked.size).toBe(3);
  });

  it('with several themes, alternates between them by entry id, and names them all', () => {
    const text = 'My manager wants the dashboard, but I think the evaluation problem is more important.';
    const a = offlineAnswer('2', text);
    const b = offlineAnswer('3', text);
    expect(a.observation).toBe(b.observation);
    expect(a.observation).toContain('the people around your work, what matters');
    expect(a.observation).toContain('Check whether the problem you named');
    expect(a.followUp).not.toBe(b.followUp);
  });

  it('an entry that mentions no theme gets a general question', () => {
    const a = offlineAnswer('4', 'Hmm.');
    expect(a.followUp).toMatch(/\?$/);
    expect(a.observation).toMatch(/does not name a problem/);
  });
});

describe('parseModelAnswer', () => {
  it('reads the JSON object, even with prose around it', () => {
    expect(parseModelAnswer('Sure: {"followUp":"Why this one?","observation":"You avoid naming it."} done')).toEqual({
      followUp: 'Why this one?',
      observation: 'You avoid naming it.',
    });
  });
  it.each([
    ['not JSON', 'I think you should ask yourself why.'],
    ['truncated JSON', '{"followUp":"Why this'],
    ['a statement, not a question', '{"followUp":"Think harder.","observation":"You avoid naming it."}'],
    ['a missing field', '{"followUp":"Why this one?"}'],
    ['a wrong type', '{"followUp":"Why this one?","observation":42}'],
  ])('refuses %s', (_name, text) => {
    expect(parseModelAnswer(text)).toBeUndefined();
  });
});
