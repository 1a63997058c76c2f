/** The oldest Node.js major the gateway runs on: 24 (maintenance LTS) and 26 (active LTS) are tested. */
export const MINIMUM_NODE_MAJOR = 24;

/** Pure: the one-line refusal for a Node.js version older than MINIMUM_NODE_MAJOR, or undefined. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return `external-proxy needs Node.js >= ${MINIMUM_NODE_MAJOR}; this is ${version} (put a supported node first on the PATH)`;
}
