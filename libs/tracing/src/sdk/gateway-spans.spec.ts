import { SpanKind, TraceFlags, trace, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { SamplerName, TraceIdBits } from '@app/config';
import type { InboundTrace, OutboundTrace, SamplingState } from '../propagation/trace-ids';
import { INBOUND_SAMPLING_KEY, SAMPLER_RATIO_KEY, ZIPKIN_DEBUG_ATTRIBUTE } from './gateway-sampler';
import { contextFromInbound, startProxySpans, type ProxySpanOptions } from './gateway-spans';
import { makeTracing, summarize, type SpanSummary } from './testing/in-memory-tracing';

const TRACE_ID_128 = '80f198ee56343ba864fe8b2a57d3eff7';
const TRACE_ID_64 = '64fe8b2a57d3eff7';
const CALLER_SPAN_ID = 'e457b5a2e4d86bd1';
const OTEL_TRACE_ID_64 = `0000000000000000${TRACE_ID_64}`;

const SERVER_ATTRIBUTES: Attributes = { 'http.method': 'GET', 'http.path': '/api/orders' };
const CLIENT_ATTRIBUTES: Attributes = { 'peer.service': 'istio-ingressgateway' };

const OPTIONS: ProxySpanOptions = {
  name: 'GET /api',
  serverAttributes: () => SERVER_ATTRIBUTES,
  clientAttributes: () => CLIENT_ATTRIBUTES,
};

const caller = (sampling: InboundTrace['sampling'], traceId = TRACE_ID_128): InboundTrace => ({ ids: { traceId, spanId: CALLER_SPAN_ID }, sampling });

describe('gateway-spans', () => {
  describe(startProxySpans.name, () => {
    /** Starts and ends both spans; returns what was injected, the two span contexts and what was exported. */
    function run(sampler: SamplerName, inbound: InboundTrace, ratio = 1, traceIdBits: TraceIdBits = 128) {
      const { exporter, tracer } = makeTracing(sampler, ratio, traceIdBits);
      const { server, client, outbound } = startProxySpans(tracer, inbound, OPTIONS);
      client.end();
      server.end();
      return { outbound, server: server.spanContext(), client: client.spanContext(), exported: exporter.getFinishedSpans().map(summarize) };
    }

    it.each<[string, SamplerName, number, InboundTrace, string, OutboundTrace['sampling']]>([
      ['a sampled caller', 'parentbased_always_off', 1, caller('sampled'), TRACE_ID_128, 'sampled'],
      ['a sampled caller with a 64-bit trace id', 'parentbased_always_off', 1, caller('sampled', TRACE_ID_64), OTEL_TRACE_ID_64, 'sampled'],
      ['a deferred caller decided by the ratio (1)', 'parentbased_traceidratio', 1, caller('deferred'), TRACE_ID_128, 'sampled'],
      ['a debug caller, whatever the sampler', 'always_off', 1, caller('debug'), TRACE_ID_128, 'debug'],
    ])('should export SERVER (child of the caller) and CLIENT (child of SERVER) for %s', (_case, sampler, ratio, inbound, otelTraceId, sampling) => {
      const { outbound, server, client, exported } = run(sampler, inbound, ratio);
      const debug: Attributes = sampling === 'debug' ? { [ZIPKIN_DEBUG_ATTRIBUTE]: true } : {};
      expect(exported).toEqual<SpanSummary[]>([
        { name: 'GET /api', kind: SpanKind.CLIENT, traceId: otelTraceId, id: client.spanId, parentId: server.spanId, attributes: { ...CLIENT_ATTRIBUTES, ...debug } },
        { name: 'GET /api', kind: SpanKind.SERVER, traceId: otelTraceId, id: server.spanId, parentId: CALLER_SPAN_ID, attributes: { ...SERVER_ATTRIBUTES, ...debug } },
      ]);
      expect(outbound).toEqual<OutboundTrace>({ traceId: inbound.ids?.traceId ?? '', spanId: client.spanId, parentSpanId: server.spanId, sampling, random: false });
      expect(new Set([CALLER_SPAN_ID, server.spanId, client.spanId]).size).toBe(3);
    });

    it.each<[string, SamplerName, number, InboundTrace]>([
      ['a not-sampled caller', 'parentbased_always_on', 1, caller('not_sampled')],
      ['a not-sampled caller with a 64-bit trace id', 'parentbased_always_on', 1, caller('not_sampled', TRACE_ID_64)],
      ['a deferred caller decided by the ratio (0)', 'parentbased_traceidratio', 0, caller('deferred')],
    ])('should still propagate fresh ids with an explicit not_sampled for %s', (_case, sampler, ratio, inbound) => {
      const { outbound, server, client, exported } = run(sampler, inbound, ratio);
      expect(exported).toEqual([]);
      expect(outbound).toEqual<OutboundTrace>({ traceId: inbound.ids?.traceId ?? '', spanId: client.spanId, parentSpanId: server.spanId, sampling: 'not_sampled', random: false });
      expect([server.spanId, client.spanId].filter((id) => !/^[0-9a-f]{16}$/.test(id))).toEqual([]);
      expect(new Set([CALLER_SPAN_ID, server.spanId, client.spanId]).size).toBe(3);
    });

    it.each<[string, SamplerName, InboundTrace, number]>([
      ['a sampled request builds both', 'parentbased_always_on', caller('sampled'), 2],
      ['a not-sampled caller builds none', 'parentbased_always_on', caller('not_sampled'), 0],
      ['a request the ratio leaves out builds none', 'traceidratio', caller('deferred'), 0],
    ])('should build span attributes only for spans that record: %s', (_case, sampler, inbound, built) => {
      const { tracer } = makeTracing(sampler, 0, 128);
      let calls = 0;
      const counted = (): Attributes => ((calls += 1), {});
      startProxySpans(tracer, inbound, { name: 'GET /api', serverAttributes: counted, clientAttributes: counted });
      expect(calls).toBe(built);
    });

    it.each<[string, TraceIdBits, InboundTrace, RegExp, OutboundTrace['sampling']]>([
      ['no context, 64-bit ids', 64, { sampling: 'deferred' }, /^[0-9a-f]{16}$/, 'sampled'],
      ['no context, 128-bit ids', 128, { sampling: 'deferred' }, /^[0-9a-f]{32}$/, 'sampled'],
      ['a decision without ids (b3: 0)', 128, { sampling: 'not_sampled' }, /^[0-9a-f]{32}$/, 'not_sampled'],
      ['debug without ids (X-B3-Flags: 1)', 64, { sampling: 'debug' }, /^[0-9a-f]{16}$/, 'debug'],
    ])('should start a new trace for %s', (_case, bits, inbound, traceIdShape, sampling) => {
      const { outbound, server, client, exported } = run('parentbased_always_on', inbound, 1, bits);
      expect(outbound).toEqual<OutboundTrace>({ traceId: expect.stringMatching(traceIdShape) as string, spanId: client.spanId, parentSpanId: server.spanId, sampling, random: true });
      expect(exported.map(({ kind, parentId }) => ({ kind, parentId }))).toEqual(
        sampling === 'not_sampled' ? [] : [{ kind: SpanKind.CLIENT, parentId: server.spanId }, { kind: SpanKind.SERVER, parentId: undefined }],
      );
    });

    it.each<[string, InboundTrace, boolean]>([
      ['a traceparent caller with the random flag', { ...caller('sampled'), random: true }, true],
      ['a traceparent caller with the random flag, not sampled', { ...caller('not_sampled'), random: true }, true],
      ['a traceparent caller with the random flag and a 64-bit trace id', { ...caller('sampled', TRACE_ID_64), random: true }, true],
      ['a traceparent caller without the random flag', { ...caller('sampled'), random: false }, false],
      ['a B3 caller (its randomness is unknown)', caller('sampled'), false],
      ['a B3 caller without a decision', caller('deferred'), false],
      ['a new trace', { sampling: 'deferred' }, true],
      ['a new trace for a decision without ids', { sampling: 'not_sampled' }, true],
      ['a new trace for debug without ids', { sampling: 'debug' }, true],
    ])('should set the W3C random-trace-id flag for %s to %s', (_case, inbound, random) => {
      const { outbound } = run('parentbased_always_on', inbound);
      expect(outbound.random).toBe(random);
    });
  });

  describe(contextFromInbound.name, () => {
    it.each<[string, InboundTrace, SpanContext | undefined]>([
      ['no ids: no parent', { sampling: 'deferred' }, undefined],
      ['a decision without ids: no parent', { sampling: 'sampled' }, undefined],
      ['sampled: a sampled remote parent', caller('sampled'), { traceId: TRACE_ID_128, spanId: CALLER_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true }],
      ['debug: a sampled remote parent', caller('debug'), { traceId: TRACE_ID_128, spanId: CALLER_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true }],
      ['not sampled: an unsampled remote parent', caller('not_sampled'), { traceId: TRACE_ID_128, spanId: CALLER_SPAN_ID, traceFlags: TraceFlags.NONE, isRemote: true }],
      ['deferred: an unsampled remote parent', caller('deferred'), { traceId: TRACE_ID_128, spanId: CALLER_SPAN_ID, traceFlags: TraceFlags.NONE, isRemote: true }],
      ['a 64-bit trace id, padded for OpenTelemetry', caller('sampled', TRACE_ID_64), { traceId: OTEL_TRACE_ID_64, spanId: CALLER_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true }],
    ])('should carry %s', (_case, inbound, expected) => {
      const context = contextFromInbound(inbound);
      expect({ parent: trace.getSpanContext(context), sampling: context.getValue(INBOUND_SAMPLING_KEY), ratio: context.getValue(SAMPLER_RATIO_KEY) })
        .toEqual({ parent: expected, sampling: inbound.sampling, ratio: undefined });
    });

    it.each<[string, InboundTrace, number]>([
      ['no ids', { sampling: 'deferred' }, 0.25],
      ['a decision without ids', { sampling: 'not_sampled' }, 0.25],
      ['a caller with ids', caller('sampled'), 0.25],
      ['a ratio of 0', caller('deferred'), 0],
      ['a ratio of 1', caller('not_sampled'), 1],
    ])('should carry a route ratio with %s (%d)', (_case, inbound, samplerRatio) => {
      const context = contextFromInbound(inbound, samplerRatio);
      expect({ parent: trace.getSpanContext(context)?.spanId, sampling: context.getValue(INBOUND_SAMPLING_KEY), ratio: context.getValue(SAMPLER_RATIO_KEY) })
        .toEqual({ parent: inbound.ids?.spanId, sampling: inbound.sampling, ratio: samplerRatio });
    });

    const STATES: readonly SamplingState[] = ['sampled', 'not_sampled', 'debug', 'deferred'];
    it.each(STATES.flatMap((sampling) => [undefined, 0.25].map((ratio) => [sampling, ratio] as const)))(
      'should hand a caller without ids (%s, route ratio %s) the same context every time (no allocation per request)',
      (sampling, samplerRatio) => {
        expect(contextFromInbound({ sampling }, samplerRatio)).toBe(contextFromInbound({ sampling }, samplerRatio));
      },
    );
  });
});
