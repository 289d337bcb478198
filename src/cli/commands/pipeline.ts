import { redactUrl } from '../../connectors/postgres/pgConnect';
import { loadPipeline } from '../../ops/ingest/pipelineDefinition';
import { runPipeline } from '../../ops/ingest/runPipeline';
import { defineCommand } from '../args';
import { type CliCommand, defineCliCommand } from '../command';
import { UsageError } from '../errors';
import { followReporters, writePipelineReport } from './pipelineReport';
import { JSON_OPTION } from './tableOptions';

const spec = defineCommand({
  name: 'pipeline',
  summary: 'Run an ingest pipeline saved in .lakehouse/pipelines/<name>.json (password from PGPASSWORD).',
  positionals: [
    { name: 'action', description: 'run' },
    { name: 'name', description: 'the pipeline: .lakehouse/pipelines/<name>.json in this folder or one above' },
  ],
  options: {
    follow: { type: 'boolean', description: 'cdc: keep streaming even if the pipeline says until "once"' },
    ...JSON_OPTION,
  },
  examples: ['PGPASSWORD=... lakehouse pipeline run orders', 'lakehouse pipeline run orders-cdc --follow'],
});

export const pipelineCommand: CliCommand = defineCliCommand(spec, async ({ options, positionals }, io) => {
  if (positionals[0] !== 'run') throw new UsageError(`unknown action "${positionals[0] ?? ''}"; the action is run`, spec.name);
  const pipeline = await loadPipeline(positionals[1] as string, process.cwd());
  const definition = options.follow ? { ...pipeline.definition, until: 'follow' as const } : pipeline.definition;
  const follow = definition.mode === 'cdc' && definition.until === 'follow';
  const run = await runPipeline(definition, { signal: io.signal, ...(follow ? followReporters(io) : {}) });
  await writePipelineReport(io, run, definition.to, redactUrl(definition.url), options.json);
});
