// Keys never reach output: every form a key travels in (as is, base64 of key + ":" as in the Basic header, with and
// without padding, URL-encoded) is replaced.
import assert from 'node:assert/strict';
import { redact, secretForms } from '../../src/core/redact';

const KEY = 'private_Zm9vYmFy+/secret=';
const B64 = Buffer.from(`${KEY}:`).toString('base64');

describe('redact', () => {
  it('removes the key as is, wherever and however often it appears', () => {
    assert.equal(redact(`key ${KEY} and again ${KEY}.`, [KEY]), 'key *** and again ***.');
  });
  it('removes the base64 form of key + ":" (a Basic header), with and without its padding', () => {
    assert.equal(redact(`Authorization: Basic ${B64}`, [KEY]), 'Authorization: Basic ***');
    const unpadded = B64.replace(/=+$/, '');
    assert.notEqual(unpadded, B64, 'this key has padding');
    assert.equal(redact(`cut: ${unpadded}`, [KEY]), 'cut: ***');
  });
  it('removes the URL-encoded form', () => {
    assert.equal(redact(`?k=${encodeURIComponent(KEY)}`, [KEY]), '?k=***');
  });
  it('handles several keys and ignores missing ones', () => {
    assert.equal(redact('a AAAA1111 b BBBB2222', ['AAAA1111', undefined, '', 'BBBB2222']), 'a *** b ***');
    assert.equal(redact('nothing to hide', []), 'nothing to hide');
  });
  it('secretForms lists the longest first, so no part of a form survives a shorter replacement', () => {
    const forms = secretForms(KEY);
    assert.ok(forms.includes(KEY) && forms.includes(B64) && forms.includes(encodeURIComponent(KEY)));
    for (let i = 1; i < forms.length; i++) assert.ok(forms[i - 1].length >= forms[i].length);
    assert.deepEqual(secretForms(''), []);
  });
  it('a unicode key is removed in its UTF-8 base64 form too', () => {
    const k = 'ключ-секрет';
    const b = Buffer.from(`${k}:`, 'utf8').toString('base64');
    assert.equal(redact(`${k} ${b}`, [k]), '*** ***');
  });
  it('forms shorter than 4 characters are not redacted (they would mangle ordinary text)', () => {
    assert.equal(redact('abc', ['abc']), 'abc');
  });
});

// Expected forms written out literally (computed once with coreutils' base64 and Python's urllib, not with the
// code under test): an independent oracle.
describe('redact: every form, as literals', () => {
  const K = 'private_Lit3ral+Key/x=';
  const literal: Array<[string, string]> = [
    ['the key', 'private_Lit3ral+Key/x='],
    ['key:', 'private_Lit3ral+Key/x=:'],
    ['key:do_not_set (the @imagekit/nodejs SDK)', 'private_Lit3ral+Key/x=:do_not_set'],
    ['base64(key)', 'cHJpdmF0ZV9MaXQzcmFsK0tleS94PQ=='],
    ['base64(key) without padding', 'cHJpdmF0ZV9MaXQzcmFsK0tleS94PQ'],
    ['base64(key:)', 'cHJpdmF0ZV9MaXQzcmFsK0tleS94PTo='],
    ['base64(key:) without padding', 'cHJpdmF0ZV9MaXQzcmFsK0tleS94PTo'],
    ['base64(key:do_not_set)', 'cHJpdmF0ZV9MaXQzcmFsK0tleS94PTpkb19ub3Rfc2V0'],
    ['URL-encoded key', 'private_Lit3ral%2BKey%2Fx%3D'],
    ['URL-encoded key, lower-case escapes', 'private_Lit3ral%2bKey%2fx%3d'],
    ['URL-encoded key:', 'private_Lit3ral%2BKey%2Fx%3D%3A'],
  ];
  for (const [what, form] of literal) {
    // The title names the form, never the form itself: the run's output is searched for keys afterwards.
    it(`${what} is redacted`, () => {
      const out = redact(`<${form}>`, [K]);
      assert.equal(out, '<***>');
      assert.ok(secretForms(K).includes(form), 'listed by secretForms');
    });
  }

  it('a key given with surrounding spaces: its trimmed forms and its untrimmed base64 are removed', () => {
    const untrimmed = `  ${K}  `;
    assert.equal(redact('Basic cHJpdmF0ZV9MaXQzcmFsK0tleS94PTo=', [untrimmed]), 'Basic ***');
    assert.equal(redact('Basic ICBwcml2YXRlX0xpdDNyYWwrS2V5L3g9ICA6', [untrimmed]), 'Basic ***');
    assert.equal(redact(`[${K}]`, [untrimmed]), '[***]');
    // And a trimmed key still finds itself inside an untrimmed echo.
    assert.equal(redact(`[  ${K}  ]`, [K]), '[  ***  ]');
  });

  it('base64 and base64url with "+" and "/", and URL-encoded base64 (a Basic header in a query string)', () => {
    const k = 'sk~>?>?_test';
    assert.equal(redact('Basic c2t+Pj8+P190ZXN0Og==', [k]), 'Basic ***');
    assert.equal(redact('t=c2t-Pj8-P190ZXN0Og', [k]), 't=***');
    assert.equal(redact('auth=c2t%2BPj8%2BP190ZXN0Og%3D%3D', [k]), 'auth=***');
  });

  it('the key inside a longer base64 stream (base64 of "someone:" + key + "tail")', () => {
    // base64("someone:private_Lit3ral+Key/x=tail"): bytes 9..29 are key bytes 1..21, at characters 12..39.
    const stream = 'c29tZW9uZTpwcml2YXRlX0xpdDNyYWwrS2V5L3g9dGFpbA==';
    assert.equal(redact(stream, [K]), 'c29tZW9uZTpw***dGFpbA==');
  });

  it('a form cut by an excerpt ("..." or "…") is removed too: the edge case that printed 16 of 17 characters', () => {
    assert.equal(redact('{"message":"bad key private_Lit3ral+Ke...', [K]), '{"message":"bad key ***...');
    assert.equal(redact('Basic cHJpdmF0ZV9MaXQzcmFs…', [K]), 'Basic ***…');
    assert.equal(redact('...Lit3ral+Key/x= was refused', [K]), '...*** was refused');
    // Ordinary text before a "..." is left alone, and so is a run of dots.
    assert.equal(redact('loading... done.....', [K]), 'loading... done.....');
    assert.equal(
      redact('pri... (3 characters of a key are not a secret)', [K]),
      'pri... (3 characters of a key are not a secret)',
    );
  });

  it('overlapping forms are masked as one (found by the fuzzer: base64(key) running into the key left 10 of 11 characters)', () => {
    // base64("6AAAAAAAAAA") without padding, then the key: "…QUE" + "6" is also base64("6AAAAAAAAAA:") unpadded.
    assert.equal(redact('NkFBQUFBQUFBQUE6AAAAAAAAAA', ['6AAAAAAAAAA']), '***');
    assert.equal(redact('x cHJpdmF0ZV9MaXQzcmFsK0tleS94PQprivate_Lit3ral+Key/x= y', [K]), 'x *** y');
  });

  it('a cut form is found in the text as given, before full forms are masked, and after a run of marks (fuzzer)', () => {
    // The end of URL-encoded base64("AAAAAAAAA:") (QUFBQUFBQUFBOg%3D%3D) after "...": its stretch QUFBQUFB is
    // also a full form, which used to be masked first and hide the cut form around it.
    assert.equal(redact('...QUFBQUFBOg%3D%3D', ['AAAAAAAAA']), '...***');
    assert.equal(redact('\u2026\u2026AAAA', ['AAAAAAAA']), '\u2026\u2026***');
    assert.equal(redact('AAAA......', ['AAAAAAAA']), '***......');
  });
});
