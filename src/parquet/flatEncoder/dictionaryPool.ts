import { ValueDictionary, type DictionaryKey } from './valueDictionary';

/** The most bytes of spare dictionaries kept: a few chunks' worth of a table's columns. */
const MAX_SPARE_BYTES = 16 * 1024 * 1024;

const spare: ValueDictionary[] = [];
let spareBytes = 0;

/**
 * A dictionary for a new column chunk: the largest spare one of `key`, emptied, or a new one.
 * Each chunk made its own (a dictionary of 65,537 doubles grows ~2 MiB of tables and entries):
 * ~70 MiB of new memory on the JS thread in the writer bench's MERGE, counted towards V8's
 * external memory, which sets off full garbage collections. Encoders of one thread take turns.
 */
export function takeDictionary(key: DictionaryKey): ValueDictionary {
  let best = -1;
  for (let i = 0; i < spare.length; i++) {
    const candidate = spare[i] as ValueDictionary;
    if (candidate.key === key && (best < 0 || candidate.retainedBytes > (spare[best] as ValueDictionary).retainedBytes)) best = i;
  }
  if (best < 0) return new ValueDictionary(key);
  const dictionary = spare[best] as ValueDictionary;
  spare[best] = spare[spare.length - 1] as ValueDictionary;
  spare.pop();
  spareBytes -= dictionary.retainedBytes;
  dictionary.clear();
  return dictionary;
}

/**
 * Takes back a dictionary from `takeDictionary` that nothing reads any more: its chunk written
 * and its dictionary page compressed (an uncompressed page is the dictionary's own memory: never).
 */
export function giveDictionary(dictionary: ValueDictionary): void {
  const bytes = dictionary.retainedBytes;
  if (spare.includes(dictionary) || spareBytes + bytes > MAX_SPARE_BYTES) return;
  spare.push(dictionary);
  spareBytes += bytes;
}
