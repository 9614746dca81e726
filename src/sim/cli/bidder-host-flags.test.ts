import { describe, expect, it } from 'vitest';
import { biddersUrlProblem, MAX_URL_CHARS, shellWord } from './bidder-host-flags.js';

describe('biddersUrlProblem', () => {
  it('takes the address of a bidder host, with or without a path', () => {
    for (const url of ['ws://127.0.0.1:9100', 'wss://bidders.example:443', 'ws://[::1]:9100/', 'ws://h:1/prefix'])
      expect(biddersUrlProblem(url), url).toBeNull();
  });

  it('refuses what is no ws:// address, or would lose the leaf path appended to it', () => {
    const expected = 'must be the ws:// or wss:// address of a bidder host, such as ws://127.0.0.1:9100';
    expect(biddersUrlProblem('notaurl')).toBe(`${expected} (got "notaurl")`);
    expect(biddersUrlProblem('http://127.0.0.1:9100')).toBe(`${expected} (got "http://127.0.0.1:9100")`);
    expect(biddersUrlProblem('ws://h:1/?x=1')).toContain('without a query or fragment');
    expect(biddersUrlProblem('ws://h:1/#top')).toContain('without a query or fragment');
    expect(biddersUrlProblem('ws://user:secret@h:1')).toBe(`${expected}, without credentials (give --token instead)`);
  });

  it('bounds the address, and cuts a long one short when it echoes it', () => {
    expect(biddersUrlProblem(`ws://h/${'a'.repeat(MAX_URL_CHARS)}`)).toContain(`at most ${MAX_URL_CHARS} characters`);
    const echoed = biddersUrlProblem(`x${'y'.repeat(500)}`) ?? '';
    expect(echoed.length).toBeLessThan(200);
  });
});

describe('shellWord', () => {
  it('leaves a plain word alone and quotes anything a shell would split or expand', () => {
    expect(shellWord('scenarios/baseline.json')).toBe('scenarios/baseline.json');
    expect(shellWord('T0k-en_1')).toBe('T0k-en_1');
    expect(shellWord('a$b')).toBe("'a$b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });
});
