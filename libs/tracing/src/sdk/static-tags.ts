import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '@app/config';

/**
 * The tags every exported span carries: tracing.staticTags, then OTEL_RESOURCE_ATTRIBUTES winning per key, as
 * the OpenTelemetry Zipkin exporter maps resource attributes (only these: not the SDK's telemetry.sdk.*).
 * service.name is the local endpoint, never a tag.
 */
export function staticTagsOf(tracing: Pick<TracingConfig, 'staticTags' | 'resourceAttributes'>): Readonly<Record<string, string>> | undefined {
  const tags: Record<string, string> = { ...tracing.staticTags, ...tracing.resourceAttributes };
  delete tags[ATTR_SERVICE_NAME];
  return Object.keys(tags).length === 0 ? undefined : tags;
}
