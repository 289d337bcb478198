import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z85Decode, z85Encode } from '../../../src/delta/deletionVectors/z85';
import { isDeltaError } from '../../../src/delta/errors';

test('Z85 matches the test vector of ZeroMQ RFC 32', () => {
  const bytes = Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b);
  assert.equal(z85Encode(bytes), 'HelloWorld');
  assert.deepEqual(z85Decode('HelloWorld'), bytes);
});

test('Z85 decodes the UUID of the protocol example "ab^-aqEH.-t@S}K{vb[*k^"', () => {
  const hex = Buffer.from(z85Decode('^-aqEH.-t@S}K{vb[*k^')).toString('hex');
  assert.equal(hex, 'd2c639aa8816431aaaf6d3fe2512ff61');
  assert.equal(z85Encode(Buffer.from(hex, 'hex')), '^-aqEH.-t@S}K{vb[*k^');
});

test('Z85 round-trips every byte value and pads a partial tail group with zeros', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
  assert.deepEqual(z85Decode(z85Encode(all)), all);
  const odd = Uint8Array.of(1, 2, 3, 4, 5, 6);
  const text = z85Encode(odd);
  assert.equal(text.length, 10);
  assert.deepEqual(z85Decode(text), Uint8Array.of(1, 2, 3, 4, 5, 6, 0, 0));
  assert.equal(z85Encode(Uint8Array.of(0xff, 0xff, 0xff, 0xff)), '%nSc0');
});

test('Z85 rejects bad lengths, foreign characters and groups above 2^32', () => {
  for (const text of ['abcd', 'Hello"orld', 'Hell~', '#####']) {
    assert.throws(() => z85Decode(text), (error) => isDeltaError(error, 'DELTA_INVALID_DELETION_VECTOR'), text);
  }
});
