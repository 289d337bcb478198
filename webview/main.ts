import { startPreview } from './preview/previewApp';

// One bundle serves every panel; the host's HTML names the panel to start.
const panel = document.body.dataset.panel;
if (panel === 'preview') startPreview(document.body);
