import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeltaError } from '../../../src/delta/errors';
import { formatDataType } from '../../../src/delta/schema';
import { previewCopySource } from '../../../src/extension/convert/copySourcePreview';

test('a folder of CSV files previews every CSV file (hidden ones left out) and the first one\'s inferred schema', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-copy-preview-'));
  try {
    await mkdir(join(dir, 'more'));
    await writeFile(join(dir, 'b.csv'), 'id,name,score\n1,Ada,2.5\n2,Grace,3\n');
    await writeFile(join(dir, 'more', 'c.csv'), 'id,name,score\n3,Linus,1\n');
    await writeFile(join(dir, '_SUCCESS'), '');
    await writeFile(join(dir, '.hidden.csv'), 'x\n1\n');
    await writeFile(join(dir, 'notes.md'), '# not data');
    const preview = await previewCopySource(dir);
    assert.equal(preview.format, 'csv');
    assert.deepEqual(preview.files, [join(dir, 'b.csv'), join(dir, 'more', 'c.csv')]);
    assert.deepEqual(preview.schema.fields.map((f) => `${f.name} ${formatDataType(f.type)}`), ['id long', 'name string', 'score double']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a folder without data files is refused with the folder named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-copy-preview-'));
  try {
    await writeFile(join(dir, 'readme.md'), 'nothing');
    await assert.rejects(previewCopySource(dir), (error: unknown) => isDeltaError(error, 'DELTA_FILE_NOT_FOUND') && error.message.includes(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
