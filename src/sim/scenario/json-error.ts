// Where a JSON text breaks, as a line and column a user can jump to. JSON.parse reports a position
// for some errors ("... in JSON at position 7", newer engines "(line 2 column 5)") but Node 20 words
// many as `Unexpected token '}', "…" is not valid JSON` with none, so when the engine gives no position
// a small syntax scanner finds the first offset where the text stops being JSON.

export interface JsonErrorPlace {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** The engine's message without the echoed text or position. */
  reason: string;
}

class Stop {
  constructor(readonly offset: number) {}
}

/** The offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function firstSyntaxError(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (literal: string): void => {
    for (const ch of literal) {
      if (text[i] !== ch) throw new Stop(i);
      i++;
    }
  };
  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) throw new Stop(i);
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch.charCodeAt(0) < 0x20) throw new Stop(i);
      if (ch === '"') return void i++;
      if (ch === '\\') {
        const esc = text[i + 1] ?? '';
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i + 1);
          i += 6;
        } else if ('"\\/bfnrt'.includes(esc) && esc !== '') {
          i += 2;
        } else {
          throw new Stop(i + 1);
        }
      } else {
        i++;
      }
    }
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const scalar = (): void => {
    const ch = text[i];
    if (ch === '"') string();
    else if (ch === '-' || /[0-9]/.test(ch ?? '')) number();
    else if (ch === 't') expect('true');
    else if (ch === 'f') expect('false');
    else if (ch === 'n') expect('null');
    else throw new Stop(i);
  };
  const key = (): void => {
    ws();
    if (text[i] !== '"') throw new Stop(i);
    string();
    ws();
    expect(':');
  };
  // Iterative, with a stack of the containers open: a text nested a million deep is scanned without
  // recursion (a recursive scanner overflowed the stack on `[[[…[}`).
  const open: ('{' | '[')[] = [];
  try {
    let wantValue = true;
    for (;;) {
      if (wantValue) {
        ws();
        const ch = text[i];
        wantValue = false;
        if (ch === '{' || ch === '[') {
          i++;
          ws();
          if (text[i] === (ch === '{' ? '}' : ']')) i++;
          else {
            open.push(ch);
            if (ch === '{') key();
            wantValue = true;
            continue;
          }
        } else scalar();
      }
      // After a value: the end, a comma and the next entry, or the close of its container.
      const top = open[open.length - 1];
      if (top === undefined) break;
      ws();
      if (text[i] === ',') {
        i++;
        if (top === '{') key();
        wantValue = true;
      } else {
        expect(top === '{' ? '}' : ']');
        open.pop();
      }
    }
    ws();
    return i < text.length ? i : undefined;
  } catch (e) {
    if (e instanceof Stop) return e.offset;
    throw e;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Places a JSON.parse error on `text`. */
export function placeJsonError(text: string, error: unknown): JsonErrorPlace {
  const message = error instanceof Error ? error.message : String(error);
  const atPosition = /at position (\d+)/.exec(message);
  const atLine = /\(line (\d+) column (\d+)\)/.exec(message);
  let offset: number;
  if (atPosition !== null) offset = Number(atPosition[1]);
  else if (/end of JSON input/.test(message)) offset = text.length;
  else offset = firstSyntaxError(text) ?? text.length;
  let { line, column } = lineColumn(text, offset);
  if (atPosition === null && atLine !== null) {
    line = Number(atLine[1]);
    column = Number(atLine[2]);
  }
  // The engine echoes (part of) the text; the line and column say where, so the echo goes, and a
  // newline it names as the bad token is spelt out so the issue stays on one line.
  const reason = message
    .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return { offset, line, column, reason };
}
