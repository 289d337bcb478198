import packageJson from '../../../package.json' with { type: 'json' };

/** commitInfo.engineInfo, so DESCRIBE HISTORY tells our commits apart from Spark's or delta-rs's. */
export const ENGINE_INFO = `Lakehouse-Studio/${packageJson.version}`;
