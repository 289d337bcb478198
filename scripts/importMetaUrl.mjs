// Injected by build.mjs into the CommonJS bundles, which have no import.meta: code that finds files
// next to its module (the Parquet worker) gets the bundle's own URL.
/* global __filename -- the bundle is CommonJS */
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
