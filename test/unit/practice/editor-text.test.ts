import { describe, expect, it } from 'vitest';
import { editorText } from '../../../src/practice/action-routes.js';

describe('editorText', () => {
  it('reads the code, answer or draft field and keeps line breaks as \\n (form posts send CRLF)', () => {
    expect(editorText({ code: 'def f():\r\n    return 1\r\n' })).toBe('def f():\n    return 1\n');
    expect(editorText({ answer: 'a\rb' })).toBe('a\nb');
    expect(editorText({ draft: 'x = 1\n' })).toBe('x = 1\n');
    expect(editorText({ other: 'x' })).toBeUndefined();
    expect(editorText(undefined)).toBeUndefined();
  });
});
