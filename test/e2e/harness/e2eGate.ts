import { prepareE2e, type E2eTools } from './e2eEnvironment';

/** Why the real-VS-Code tests are skipped here, when they are. */
export interface E2eSkip {
  skip: string;
}

/**
 * The tools for the real-VS-Code tests, or the reason to skip them. Under CI=true a missing tool
 * throws instead, because CI installs them (.ci/run -> npm test -> here -> scripts/e2e-setup.sh).
 */
export function e2eToolsOrSkip(): E2eTools | E2eSkip {
  const tools = prepareE2e();
  if (typeof tools !== 'string') return tools;
  if (process.env.CI === 'true') throw new Error(tools);
  console.log(`# skipping real-VS-Code tests: ${tools}`);
  return { skip: tools };
}
