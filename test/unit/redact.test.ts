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
