/** Reads a V8 .cpuprofile and ranks functions by self time and packages by total time. */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based. */
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Microseconds, on the monotonic clock process.hrtime() reads. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Only samples taken between these monotonic microseconds count (the measured load), when given. */
export interface SampleWindow {
  readonly fromMicros: number;
  readonly toMicros: number;
}

const META_FRAMES: Readonly<Record<string, string>> = { '(idle)': 'idle', '(garbage collector)': 'GC', '(program)': 'V8/native (program)', '(root)': 'root' };

/** 'gateway code', 'bench code', a node_modules package, 'node internals' (node:*), or 'V8 builtins/native' (no URL). */
export function packageOf(frame: CallFrame, repositoryRoot: string): string {
  const meta = META_FRAMES[frame.functionName];
  if (meta !== undefined && frame.url === '') return meta;
  const modules = frame.url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scopeOrName = '', name = ''] = frame.url.slice(modules + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (frame.url.startsWith('node:')) return 'node internals';
  if (frame.url === '') return 'V8 builtins/native';
  const path = frame.url.replace(/^file:\/\//, '');
  if (path.startsWith(`${repositoryRoot}/dist/`)) return 'gateway code';
  return path.startsWith(`${repositoryRoot}/dist-tools/`) ? 'bench code' : 'other';
}

function location(frame: CallFrame, repositoryRoot: string): string {
  if (frame.url === '') return '(native)';
  return `${frame.url.replace(/^file:\/\//, '').replace(`${repositoryRoot}/`, '')}:${frame.lineNumber + 1}`;
}

interface Tally {
  self: number;
  total: number;
  /** Self time of the sample charged to the innermost frame that is gateway code or a package. */
  attributed: number;
}

export interface ProfileSummary {
  readonly text: string;
  readonly busyMicros: number;
}

const CHARGEABLE = (pkg: string): boolean => !['node internals', 'V8 builtins/native', 'idle', 'GC', 'V8/native (program)'].includes(pkg);
const OWN_CODE = new Set(['gateway code', 'bench code']);

interface FunctionTally extends Tally {
  readonly frame: CallFrame;
}

interface Aggregate {
  readonly functions: Map<string, FunctionTally>;
  readonly packages: Map<string, Tally>;
  /** Our own functions (gateway or bench code) by inclusive time. */
  readonly ownCode: Map<string, FunctionTally>;
  sampled: number;
  idle: number;
}

function tallyOf<T extends Tally>(map: Map<string, T>, key: string, create: () => T): T {
  const found = map.get(key);
  if (found !== undefined) return found;
  const created = create();
  map.set(key, created);
  return created;
}

const frameKey = (frame: CallFrame): string => `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
const emptyTally = (): Tally => ({ self: 0, total: 0, attributed: 0 });

/** Adds one sample: self time to its leaf, total time once to every package and own function on its stack. */
function addSample(into: Aggregate, leaf: ProfileNode, duration: number, byId: ReadonlyMap<number, ProfileNode>, parent: ReadonlyMap<number, number>, root: string): void {
  const leafPackage = packageOf(leaf.callFrame, root);
  tallyOf(into.functions, frameKey(leaf.callFrame), () => ({ ...emptyTally(), frame: leaf.callFrame })).self += duration;
  tallyOf(into.packages, leafPackage, emptyTally).self += duration;
  const packagesInStack = new Set<string>();
  const ownInStack = new Map<string, CallFrame>();
  let charged: string | undefined;
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const pkg = packageOf(frame, root);
    if (pkg === 'root') continue;
    packagesInStack.add(pkg);
    if (OWN_CODE.has(pkg)) ownInStack.set(frameKey(frame), frame);
    if (charged === undefined && CHARGEABLE(pkg)) charged = pkg;
  }
  for (const pkg of packagesInStack) tallyOf(into.packages, pkg, emptyTally).total += duration;
  for (const [key, frame] of ownInStack) tallyOf(into.ownCode, key, () => ({ ...emptyTally(), frame })).total += duration;
  tallyOf(into.packages, charged ?? leafPackage, emptyTally).attributed += duration;
}

function aggregate(profile: CpuProfile, root: string, window: SampleWindow | undefined): Aggregate {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const into: Aggregate = { functions: new Map(), packages: new Map(), ownCode: new Map(), sampled: 0, idle: 0 };
  let timestamp = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    timestamp += profile.timeDeltas[i] ?? 0;
    // A sample lasts until the next one is taken.
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (window !== undefined && (timestamp < window.fromMicros || timestamp > window.toMicros)) continue;
    const leaf = byId.get(profile.samples[i] ?? -1);
    if (leaf === undefined) continue;
    into.sampled += duration;
    if (packageOf(leaf.callFrame, root) === 'idle') into.idle += duration;
    else addSample(into, leaf, duration, byId, parent, root);
  }
  return into;
}

/** Top `topFunctions` by self time (url:line), top `topPackages` packages and own functions by total time, as markdown. */
export function summariseCpuProfile(file: string, repositoryRoot: string, window?: SampleWindow, topFunctions = 25, topPackages = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { functions, packages, ownCode, sampled, idle } = aggregate(profile, repositoryRoot, window);
  const busy = sampled - idle;
  const pct = (micros: number): string => `${((100 * micros) / Math.max(1, busy)).toFixed(1)}%`;
  const lines = [
    `${file}: ${(sampled / 1e6).toFixed(1)} s sampled${window === undefined ? ' (whole process life)' : ' (measured load only)'}, main thread busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s. Shares are of busy (non-idle) main-thread time.`,
    '',
    `Top ${topFunctions} functions by self time:`,
    '',
    '| # | self ms | self % | function | url:line | package |',
    '|--:|--:|--:|---|---|---|',
    ...[...functions.values()]
      .sort((a, b) => b.self - a.self)
      .slice(0, topFunctions)
      .map((f, i) => `| ${i + 1} | ${(f.self / 1000).toFixed(0)} | ${pct(f.self)} | ${f.frame.functionName || '(anonymous)'} | ${location(f.frame, repositoryRoot)} | ${packageOf(f.frame, repositoryRoot)} |`),
    '',
    `Top ${topPackages} packages by total (inclusive) time; "charged" moves node-internal and native self time to the innermost calling package:`,
    '',
    '| # | package | total % | self % | charged % |',
    '|--:|---|--:|--:|--:|',
    ...[...packages.entries()]
      .sort((a, b) => b[1].total - a[1].total)
      .slice(0, topPackages)
      .map(([name, t], i) => `| ${i + 1} | ${name} | ${pct(t.total)} | ${pct(t.self)} | ${pct(t.attributed)} |`),
    '',
    `Top ${topPackages} of our own functions by total (inclusive) time:`,
    '',
    '| # | total % | function | url:line |',
    '|--:|--:|---|---|',
    ...[...ownCode.values()]
      .sort((a, b) => b.total - a.total)
      .slice(0, topPackages)
      .map((f, i) => `| ${i + 1} | ${pct(f.total)} | ${f.frame.functionName || '(anonymous)'} | ${location(f.frame, repositoryRoot)} |`),
  ];
  return { text: lines.join('\n'), busyMicros: busy };
}
