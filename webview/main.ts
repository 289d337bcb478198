import { startRowDiff } from './diff/rowDiffApp';
import { startOptimize } from './optimize/optimizeApp';
import { startParquetFile } from './parquet/parquetFileApp';
import { startPipeline } from './pipeline/pipelineApp';
import { startPreview } from './preview/previewApp';
import { isPanelApp, type PanelApp } from './protocol/panelApp';
import { startSchema } from './schema/schemaApp';

const APPS: Record<PanelApp, (root: HTMLElement) => void> = {
  preview: startPreview,
  rowDiff: startRowDiff,
  schema: startSchema,
  parquet: startParquetFile,
  optimize: startOptimize,
  pipeline: startPipeline,
};

// One bundle serves every panel; the host's HTML names the panel to start.
const panel = document.body.dataset.panel;
if (isPanelApp(panel)) APPS[panel](document.body);
