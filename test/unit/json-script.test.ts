import { describe, expect, it } from 'vitest';
import nunjucks from 'nunjucks';
import { jsonForScript, viewOptions } from '../../src/web/views.js';

describe('jsonForScript (the jsonScript filter)', () => {
  const nasty = 'def test_x():\n    s = "</script><script>alert(1)</script><!-- \u2028"\n';

  it('round-trips through JSON.parse', () => {
    expect(JSON.parse(jsonForScript(nasty))).toBe(nasty);
    expect(JSON.parse(jsonForScript({ a: [1, '<b>'] }))).toEqual({ a: [1, '<b>'] });
  });

  it('cannot close or comment out the <script> block it is placed in', () => {
    const out = jsonForScript(nasty);
    expect(out).not.toContain('<');
    expect(out).not.toContain('\u2028');
  });

  it('is available to templates as a filter that is not escaped twice', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    viewOptions.onConfigure(env);
    const html = env.renderString('<script type="application/json" id="t">{{ tests | jsonScript }}</script>', { tests: nasty });
    const json = /<script type="application\/json" id="t">(.*)<\/script>$/s.exec(html)?.[1];
    expect(JSON.parse(json!)).toBe(nasty);
  });
});
