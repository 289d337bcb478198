import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './benchPaths';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface HotSpot { selfMs: number; share: number; functionName: string; location: string; hotLines: string[] }

/**
 * The functions with the most self time in a V8 .cpuprofile of the bundled child, with their
 * locations (and hottest lines) mapped back to src/ through the bundle's source map.
 */
export function hotSpots(profilePath: string, bundlePath: string, top: number): HotSpot[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as SourceMapPayload);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const groups = new Map<string, HotSpot & { lines: Map<string, number> }>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const frame = node.callFrame;
    const isBundle = frame.url.endsWith(basename(bundlePath));
    const location = isBundle ? mapLocation(map, frame.lineNumber, frame.columnNumber, bundlePath) : shortUrl(frame.url, frame.lineNumber);
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${location}`;
    const group = groups.get(key) ?? { selfMs: 0, share: 0, functionName: name, location, hotLines: [], lines: new Map<string, number>() };
    group.selfMs += us / 1000;
    for (const tick of node.positionTicks ?? []) {
      const line = isBundle ? mapLocation(map, tick.line - 1, 0, bundlePath) : String(tick.line);
      group.lines.set(line, (group.lines.get(line) ?? 0) + tick.ticks);
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map(({ lines, ...spot }) => ({
      ...spot,
      share: spot.selfMs / (totalUs / 1000),
      hotLines: [...lines.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([line, ticks]) => `${line} (${ticks} ticks)`),
    }));
}

export interface InclusiveSpot { totalMs: number; share: number; functionName: string; location: string }

/**
 * Time spent inside each of our own functions (src/ and bench/), callees included: where a load or a
 * scan spends its time, which self time alone hides behind Arrow and GC frames.
 */
export function inclusiveSpots(profilePath: string, bundlePath: string, top: number): InclusiveSpot[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as SourceMapPayload);
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = new Map<number, string | undefined>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    if (!frame.url.endsWith(basename(bundlePath))) { keyOf.set(node.id, undefined); continue; }
    const location = mapLocation(map, frame.lineNumber, frame.columnNumber, bundlePath);
    keyOf.set(node.id, location.startsWith('src/') || location.startsWith('bench/') ? `${frame.functionName || '(anonymous)'}@${location}` : undefined);
  }
  const totals = new Map<string, number>();
  let allUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    allUs += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf.get(at);
      if (key !== undefined && !seen.has(key)) {
        seen.add(key);
        totals.set(key, (totals.get(key) ?? 0) + us);
      }
    }
  });
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const at = key.lastIndexOf('@');
      return { totalMs: us / 1000, share: us / allUs, functionName: key.slice(0, at), location: key.slice(at + 1) };
    });
}

function mapLocation(map: SourceMap, line: number, column: number, bundlePath: string): string {
  const entry = map.findEntry(line, column);
  if (!('originalSource' in entry)) return `${basename(bundlePath)}:${line + 1}`;
  const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : entry.originalSource;
  const path = source.startsWith('/') ? relative(REPO_ROOT, source) : source.replace(/^(\.\.\/)+/, '');
  return `${path}:${entry.originalLine + 1}`;
}

function shortUrl(url: string, line: number): string {
  if (url === '') return '(native/GC)';
  return `${url.replace(/^.*node_modules\//, '')}:${line + 1}`;
}
