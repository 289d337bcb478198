import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvTokenizer, type CsvRecord } from '../../../src/connectors/csv/csvTokenizer';

function tokenize(chunks: readonly string[], delimiter = ','): CsvRecord[] {
  const tokenizer = new CsvTokenizer({ delimiter, quote: '"' });
  return [...chunks.flatMap((c) => tokenizer.push(c)), ...tokenizer.end()];
}

const SAMPLE = '\ufeffid,text,n\r\n1,"a, ""quoted""\r\nline",3\r\n2,,"x"\n3,plain,\r4,"",""\n';

describe('CSV tokenizer', () => {
  test('quotes, doubled quotes, quoted CRLF, empty and quoted-empty fields, LF/CRLF/CR endings, BOM', () => {
    const records = tokenize([SAMPLE]);
    assert.deepEqual(records.map((r) => r.fields), [
      ['id', 'text', 'n'],
      ['1', 'a, "quoted"\r\nline', '3'],
      ['2', '', 'x'],
      ['3', 'plain', ''],
      ['4', '', ''],
    ]);
    assert.deepEqual(records.map((r) => r.quoted), [
      [false, false, false], [false, true, false], [false, false, true], [false, false, false], [false, true, true],
    ]);
    // The quoted CRLF makes record 1 span lines 2-3; the next starts on line 4.
    assert.deepEqual(records.map((r) => r.line), [1, 2, 4, 5, 6]);
    assert.ok(records.every((r) => r.error === undefined));
  });

  test('every split of the input into two chunks gives the same records', () => {
    const whole = tokenize([SAMPLE]);
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      assert.deepEqual(tokenize([SAMPLE.slice(0, cut), SAMPLE.slice(cut)]), whole, `cut at ${cut}`);
    }
    assert.deepEqual(tokenize([...SAMPLE]), whole, 'one character per chunk');
  });

  test('a last record without a newline, and a trailing delimiter, are records', () => {
    assert.deepEqual(tokenize(['a,b\n1,']).map((r) => r.fields), [['a', 'b'], ['1', '']]);
    assert.deepEqual(tokenize(['a;b\n1;2'], ';').map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  });

  test('malformed quoting is reported on the record, which stays delimited', () => {
    const records = tokenize(['a,b\n"x"y,2\n3,4\n']);
    assert.match(records[1]?.error ?? '', /unexpected character "y" after the closing quote of field 1/);
    assert.deepEqual(records[2]?.fields, ['3', '4']);
    assert.equal(records[2]?.error, undefined);
    const open = tokenize(['a,b\n1,"never closed\n2,3\n']);
    assert.equal(open.length, 2);
    assert.match(open[1]?.error ?? '', /quoted field starting on line 2 is never closed/);
  });

  test('a field of several megabytes split over many chunks arrives whole', () => {
    const big = 'x'.repeat(3_000_000) + '"' + 'y'.repeat(1_000_000);
    const text = `id,body\n1,"${big.replace(/"/g, '""')}"\n2,small\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) chunks.push(text.slice(i, i + 65_536));
    const records = tokenize(chunks);
    assert.equal(records.length, 3);
    assert.equal(records[1]?.fields[1], big);
    assert.deepEqual(records[2]?.fields, ['2', 'small']);
  });
});
