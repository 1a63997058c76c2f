import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, REQUIRED_SETS, ensureHelm, findObject, parseManifests, runHelm, type KubeObject } from './helm-chart';
import { loadRenderedConfig } from './gateway-env';
import { readmeExamples, shellWords, valueFlags, type ReadmeExample } from './readme-examples';

/** The chart directory as the README's commands name it (they run from the repository root). */
const README_CHART_PATH = 'helm/external-proxy';
const EXAMPLES = readmeExamples();
// The example using zipkin.existingSecret points at a Secret the reader creates with kubectl first.
const EXTERNAL_SECRETS = { 'tracing-analysis/endpoint': 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_token/api/v1/spans' };

let tempDir: string;

const fillPlaceholders = (text: string): string => text.replace(/<([a-z-]+)>/g, 'example-$1');

/** helm's value arguments for an example: the required two first when the example shows only its extras. */
function valueArgsOf(example: ReadmeExample): string[] {
  const base = example.complete ? [] : Object.entries(REQUIRED_SETS).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  const file = example.valuesYaml === undefined ? [] : ['--values', join(tempDir, `${example.title.split(' ')[0].replace(':', '-')}.yaml`)];
  if (example.valuesYaml !== undefined) writeFileSync(file[1], fillPlaceholders(example.valuesYaml));
  // Placeholders the reader fills in (`adapt_<token>`) get a sample value.
  return [...base, ...file, ...example.valueArgs.map(fillPlaceholders)];
}

jest.setTimeout(30_000);

beforeAll(() => {
  ensureHelm();
  tempDir = mkdtempSync(join(tmpdir(), 'external-proxy-readme-'));
});

afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('chart README examples', () => {
  it('should find the README’s install commands, inline --set examples and values blocks', () => {
    expect(EXAMPLES.filter((example) => example.complete).length).toBeGreaterThanOrEqual(6);
    expect(EXAMPLES.map((example) => example.title)).toEqual(
      expect.arrayContaining([expect.stringContaining('--set config.tracing.samplerArg=0.1'), expect.stringContaining('yaml values')]),
    );
  });

  describe.each(EXAMPLES.map((example): [string, ReadmeExample] => [example.title, example]))('%s', (_title, example) => {
    let objects: KubeObject[];

    it('should render, and write a config the gateway’s own loader accepts', () => {
      const result = runHelm(['template', 'my-proxy', CHART_DIR, ...valueArgsOf(example), '--namespace', 'edge']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      objects = parseManifests(result.stdout);
      expect(() => loadRenderedConfig(objects, EXTERNAL_SECRETS)).not.toThrow();
    });

    it('should pass helm lint --strict', () => {
      const result = runHelm(['lint', '--strict', CHART_DIR, ...valueArgsOf(example), '--namespace', 'edge']);
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(result.status).toBe(0);
    });
  });

  it('should name the chart by its path from the repository root in every command', () => {
    const titles = EXAMPLES.filter((example) => example.complete).map((example) => example.title);
    for (const title of titles) expect(title).toContain(` ${README_CHART_PATH} `);
  });
});

describe('a float given with --set', () => {
  // helm's --set types integers, booleans and null, and leaves 0.1 a string: the schema accepts a decimal
  // string for the sampling ratios and the chart writes it as a number.
  it('should reach the gateway as a number', () => {
    const viaSet = runHelm(['template', 'my-proxy', CHART_DIR, '--namespace', 'edge', '--set', 'ingressGateway.url=http://gw:80', '--set', 'config.tracing.samplerArg=0.1', '--set', 'config.routes[0].path=/', '--set', 'config.routes[0].samplerArg=0.25']);
    expect(viaSet.status).toBe(0);
    const config = parse((findObject(parseManifests(viaSet.stdout), 'ConfigMap') as KubeObject & { data: Record<string, string> }).data['config.yaml']) as {
      tracing: { samplerArg: unknown };
      routes: { samplerArg: unknown }[];
    };
    expect({ global: config.tracing.samplerArg, route: config.routes[0].samplerArg }).toEqual({ global: 0.1, route: 0.25 });
  });

  it.each(['1.5', '-0.1', 'abc', '0.1.2'])('should refuse samplerArg=%s', (value) => {
    const result = runHelm(['template', 'my-proxy', CHART_DIR, '--set', 'ingressGateway.url=http://gw:80', '--set', `config.tracing.samplerArg=${value}`]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/config/tracing/samplerArg');
  });
});

describe(shellWords.name, () => {
  it.each([
    ["helm install x helm/external-proxy \\\n  --set-string a='http://h/adapt_<t>/api' --set 'b={c,d}'", ['helm', 'install', 'x', 'helm/external-proxy', '--set-string', 'a=http://h/adapt_<t>/api', '--set', 'b={c,d}']],
    ['--set "a=b c" --set=x=\\"y\\"', ['--set', 'a=b c', '--set=x="y"']],
  ])('should split %j', (command, words) => {
    expect(shellWords(command)).toEqual(words);
  });
});

describe(valueFlags.name, () => {
  it('should keep only value flags, as flag/value pairs', () => {
    expect(valueFlags(['helm', 'install', 'x', 'c', '-f', 'v.yaml', '--set=a=1', '--namespace', 'n', '--set-json', 'b=0.1'])).toEqual(['--values', 'v.yaml', '--set', 'a=1', '--set-json', 'b=0.1']);
  });
});
