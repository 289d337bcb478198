import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SPACER_HEIGHT, scrollFactor, spacerHeight } from '../../../webview/grid/scaledScroll';

test('content that fits keeps its height and scrolls one to one', () => {
  assert.equal(spacerHeight(220_000), 220_000);
  assert.equal(scrollFactor(220_000, 600), 1);
});

test('ten million rows of 22 px: the spacer is capped and the last scroll position shows the last row', () => {
  const content = (10_000_000 + 1) * 22;
  const viewport = 600;
  assert.equal(spacerHeight(content), MAX_SPACER_HEIGHT);
  const factor = scrollFactor(content, viewport);
  const maxScroll = MAX_SPACER_HEIGHT - viewport;
  assert.equal(maxScroll * factor, content - viewport);
  // One scrolled pixel moves about 22 rows here, so the whole table is reachable.
  assert.ok(factor > 21 && factor < 23, `factor ${factor}`);
});
