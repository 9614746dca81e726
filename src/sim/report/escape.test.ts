import { describe, expect, it } from 'vitest';
import { escapeMd, jsonForScript } from './escape.js';

describe('escaping', () => {
  it('Markdown: pipes, backticks, emphasis, links and tags are neutralised; a lone < stays readable', () => {
    expect(escapeMd('a|b`c*d_e[f](g)')).toBe('a\\|b\\`c\\*d\\_e\\[f\\](g)');
    expect(escapeMd('<script>x</script>')).toBe('&lt;script>x&lt;/script>');
    expect(escapeMd('p99 < 120 &amp; ok')).toBe('p99 < 120 &amp;amp; ok');
    expect(escapeMd('two\nlines')).toBe('two lines');
  });

  it('JSON for a script block: no < survives (so neither </script nor <!-- can), and it parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', sep: '\u2028' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
