import { MINIMUM_NODE_MAJOR, unsupportedNodeMessage } from './supported-node';

describe(unsupportedNodeMessage.name, () => {
  it('should require Node 24 or later', () => {
    expect(MINIMUM_NODE_MAJOR).toBe(24);
  });

  it.each(['v24.0.0', 'v24.22.3', 'v26.10.0', 'v27.0.0-pre', 'v100.1.2'])('should accept %s', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });

  it.each([
    ['v20.20.2', 'external-proxy needs Node.js >= 24; this is v20.20.2 (put a supported node first on the PATH)'],
    ['v22.15.0', 'external-proxy needs Node.js >= 24; this is v22.15.0 (put a supported node first on the PATH)'],
    ['v23.11.1', 'external-proxy needs Node.js >= 24; this is v23.11.1 (put a supported node first on the PATH)'],
    ['garbage', 'external-proxy needs Node.js >= 24; this is garbage (put a supported node first on the PATH)'],
  ])('should refuse %s with one line', (version, expected) => {
    expect(unsupportedNodeMessage(version)).toBe(expected);
  });
});
