import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { Field, Float64, Int64, List, makeVector, Struct, Utf8, vectorFromArray, type Data, type DataType, type Vector } from 'apache-arrow';
import { fromDataParts, toDataParts, type DataParts } from '../../../src/arrow/transferableData';

const listType = new List(new Field('element', new Int64(), true));
const structType = new Struct([new Field('x', new Float64(), true), new Field('s', new Utf8(), true)]);

function column<T extends DataType>(type: T, values: unknown[]): Data<T> {
  return vectorFromArray(values, type).data[0] as Data<T>;
}

function text(vector: Vector): string {
  return JSON.stringify(vector.toJSON(), (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
}

/** Posts the parts through a real MessageChannel, buffers in the transfer list, and returns what arrives. */
function sendAcross(data: Data): { received: DataParts; sentBuffers: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const parts = toDataParts(data, transfer);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(parts, [...transfer]);
  const message = receiveMessageOnPort(port2);
  port1.close();
  assert.ok(message);
  return { received: message.message as DataParts, sentBuffers: [...transfer] };
}

describe('transferableData', () => {
  test('strings with NULLs, lists, structs and int64 arrive equal, their buffers moved rather than copied', () => {
    const cases: Array<[DataType, unknown[]]> = [
      [new Utf8(), ['a', null, 'ccc', '', 'déjà']],
      [new Int64(), [1n, null, -(2n ** 62n), 0n]],
      [listType, [[1n, 2n], null, [], [null, 5n]]],
      [structType, [{ x: 1.5, s: 'p' }, null, { x: null, s: null }]],
    ];
    for (const [type, values] of cases) {
      const data = column(type, values);
      const expected = text(vectorFromArray(values, type));
      const { received, sentBuffers } = sendAcross(data);
      assert.ok(sentBuffers.length > 0);
      // Transferred: the sender's buffers are detached.
      for (const buffer of sentBuffers) assert.equal(buffer.byteLength, 0, String(type));
      const rebuilt = fromDataParts(type, received);
      assert.equal(rebuilt.length, values.length);
      assert.equal(rebuilt.nullCount, values.filter((v) => v === null).length);
      assert.equal(text(makeVector(rebuilt)), expected, String(type));
    }
  });
});
