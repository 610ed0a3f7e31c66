// safeText (src/core/untrusted.ts): server text made safe for a terminal, the output channel, a notification or
// history: redacted before it is cut, control/bidi/tag characters shown as visible escapes, length capped.
// Expected outputs are written out literally.
import assert from 'node:assert/strict';
import { MAX_UNTRUSTED_TEXT } from '../../src/core/limits';
import { safeText } from '../../src/core/untrusted';

const KEY = 'private_Lit3ral+Key/x=';

describe('safeText: control characters', () => {
  const cases: Array<[string, string, string]> = [
    [
      'ESC sequences that clear the screen and move the cursor',
      '\x1b[2J\x1b[Hpurged 3 of 3',
      '\\x1B[2J\\x1B[Hpurged 3 of 3',
    ],
    ['an OSC title sequence ended by BEL', '\x1b]0;pwned\x07ok', '\\x1B]0;pwned\\x07ok'],
    ['the 8-bit CSI (C1) and other C1 controls', '\u009b31mred\u0085\u0090', '\\x9B31mred\\x85\\x90'],
    ['NUL, backspace, DEL', 'a\u0000b\bc\u007fd', 'a\\x00b\\x08c\\x7Fd'],
    [
      'bidi overrides and isolates (text shown reordered)',
      'abc\u202edcba\u2066x\u2069\u200f',
      'abc\\u202Edcba\\u2066x\\u2069\\u200F',
    ],
    ['Arabic letter mark, interlinear annotation', 'a\u061cb\ufff9c', 'a\\u061Cb\\uFFF9c'],
    ['tag characters (invisible text)', 'ok\u{e0041}\u{e0042}', 'ok\\u{E0041}\\u{E0042}'],
    ['a lone surrogate', 'a\ud800b\udc00', 'a\ufffdb\ufffd'],
    ['ordinary Unicode stays', 'Über 日本 😀 é', 'Über 日本 😀 é'],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => {
      assert.equal(safeText(input), expected);
    });
  }

  it('one line by default: every run of whitespace (newlines, CR, tabs, U+2028, NBSP, BOM) is one space, trimmed', () => {
    assert.equal(safeText('  a\r\n\r\nb\tc\u2028d\u00a0\u00a0e\ufeff\n'), 'a b c d e');
    // A carriage return cannot overwrite the start of the line.
    assert.equal(safeText('Purge FAILED\rPurge OK    '), 'Purge FAILED Purge OK');
  });

  it('multiline: line breaks kept ("\\r\\n" and a lone "\\r" become "\\n"), other whitespace a space', () => {
    assert.equal(safeText('a\r\nb\rc\nd\u2028e\tf', { multiline: true }), 'a\nb\nc\nd e\tf');
  });
});

describe('safeText: length', () => {
  it(`at most ${MAX_UNTRUSTED_TEXT} characters by default, "..." marking the cut`, () => {
    const out = safeText('x'.repeat(1000));
    assert.equal(out, `${'x'.repeat(197)}...`);
    assert.equal(safeText('x'.repeat(200)), 'x'.repeat(200));
  });

  it('never cuts an escape or a surrogate pair', () => {
    assert.equal(safeText(`${'a'.repeat(5)}\x1b[2J`, { max: 10 }), 'aaaaa...');
    assert.equal(safeText('😀'.repeat(150), { max: 11 }), '😀😀😀😀...');
    assert.equal(safeText('\x1b'.repeat(10), { max: 12 }), '\\x1B\\x1B...');
  });

  it('a 10 MB body gives at most max characters (only what can be shown is neutralised)', () => {
    const out = safeText(`${'\x1b'.repeat(5_000_000)}${'y'.repeat(5_000_000)}`, { max: 50 });
    assert.ok(out.length <= 50, `${out.length}`);
    assert.match(out, /^(\\x1B)+\.\.\.$/);
  });
});

describe('safeText: redaction comes first', () => {
  it('a key at the edge of the cut is removed whole, not cut to a prefix (bodyExcerpt printed 16 of 17 characters)', () => {
    // Redacted first: 190 + "***" = 193 characters, under the cap, so nothing of the key is left to cut.
    assert.equal(safeText(`${'x'.repeat(190)}${KEY}`, { keys: [KEY] }), `${'x'.repeat(190)}***`);
    // Where the cut does fall after the mask, the mask is what is cut.
    assert.equal(safeText(`${'x'.repeat(198)}${KEY}yyyy`, { keys: [KEY] }), `${'x'.repeat(197)}...`);
    for (let at = 150; at <= 210; at++) {
      const out = safeText(`${'x'.repeat(at)}${KEY}${'z'.repeat(50)}`, { keys: [KEY] });
      for (let n = 4; n <= KEY.length; n++)
        assert.ok(!out.includes(KEY.slice(0, n)), `at ${at}: ${n} characters of the key in ${out}`);
    }
  });

  it('every form is redacted before control characters are escaped (a key split by ESC is not a key)', () => {
    assert.equal(
      safeText('auth: Basic cHJpdmF0ZV9MaXQzcmFsK0tleS94PTo=\x1b[0m', { keys: [KEY] }),
      'auth: Basic ***\\x1B[0m',
    );
    assert.equal(safeText('Basic cHJpdmF0ZV9MaXQzcmFsK0tleS94PTpkb19ub3Rfc2V0', { keys: [`  ${KEY}  `] }), 'Basic ***');
    assert.equal(safeText('k=private_Lit3ral%2BKey%2Fx%3D', { keys: [undefined, KEY] }), 'k=***');
  });

  it('no keys: only neutralised and capped; a non-string is shown as a string', () => {
    assert.equal(safeText(`${KEY}\x07`), `${KEY}\\x07`);
    assert.equal(safeText(42 as unknown as string), '42');
    assert.equal(safeText(''), '');
  });
});
