import type { ZipkinSpan } from '../../libs/tracing/src/zipkin/zipkin-span';

/** One trace as an indented tree, parents before children, siblings by start time. */
export function formatTraceTree(spans: readonly ZipkinSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string | undefined, ZipkinSpan[]>();
  for (const span of [...spans].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))) {
    // A span whose parent was not reported (the caller's own parent) hangs from the root.
    const parent = span.parentId !== undefined && ids.has(span.parentId) ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string): void => {
    const level = children.get(parent) ?? [];
    level.forEach((span, index) => {
      const last = index === level.length - 1;
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${describeSpan(span)}`);
      walk(span.id, `${indent}${last ? '   ' : '│  '}`);
    });
  };
  walk(undefined, '');
  return lines;
}

export function describeSpan(span: ZipkinSpan): string {
  const service = span.localEndpoint?.serviceName ?? '?';
  const duration = span.duration === undefined ? '' : ` ${(span.duration / 1000).toFixed(2)} ms`;
  const endpoint = span.remoteEndpoint;
  const address = endpoint?.ipv4 ?? endpoint?.ipv6;
  const remote = endpoint === undefined ? '' : ` → ${[endpoint.serviceName, address === undefined ? undefined : `${address}:${endpoint.port ?? ''}`].filter((part) => part !== undefined).join(' ')}`;
  const status = span.tags?.['http.status_code'] === undefined ? '' : ` [${span.tags['http.status_code']}${span.tags.error !== undefined ? ' error' : ''}]`;
  const debug = span.debug === true ? ' debug' : '';
  return `${service} ${span.kind ?? 'LOCAL'} "${span.name ?? ''}"${duration}${status}${remote}${debug}  id=${span.id}`;
}
