import { test } from 'node:test';
import { ensureInteropCorpus } from '../helpers/interopCorpus';
import { checkOurReaderAgainstProducer } from '../helpers/interopChecks';
import { requirePeerPython } from '../helpers/peers';

test('our reader reads tables written by Spark (delta-spark) as Spark does', async (t) => {
  const python = requirePeerPython(t);
  if (python === undefined) return;
  await checkOurReaderAgainstProducer(t, await ensureInteropCorpus(python), 'spark');
});
