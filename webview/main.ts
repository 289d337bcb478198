import { startRowDiff } from './diff/rowDiffApp';
import { startOptimize } from './optimize/optimizeApp';
import { startParquetFile } from './parquet/parquetFileApp';
import { startPipeline } from './pipeline/pipelineApp';
import { startPreview } from './preview/previewApp';
import { startSchema } from './schema/schemaApp';

// One bundle serves every panel; the host's HTML names the panel to start.
const panel = document.body.dataset.panel;
if (panel === 'preview') startPreview(document.body);
else if (panel === 'rowDiff') startRowDiff(document.body);
else if (panel === 'schema') startSchema(document.body);
else if (panel === 'parquet') startParquetFile(document.body);
else if (panel === 'optimize') startOptimize(document.body);
else if (panel === 'pipeline') startPipeline(document.body);
