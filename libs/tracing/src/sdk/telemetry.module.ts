import { Module, type DynamicModule } from '@nestjs/common';
import type { Meter, Tracer } from '@opentelemetry/api';
import type { LocalHistogramProducer } from './local-histograms';

/** The app's one tracer (every span of the proxy) and one meter (every instrument), injected by token. */
export const TRACER = Symbol('TRACER');
export const METER = Symbol('METER');
/** The request path's histograms (a LocalHistogramProducer), exported beside the meter's instruments. */
export const LOCAL_HISTOGRAMS = Symbol('LOCAL_HISTOGRAMS');

/** What TelemetryModule hands to Nest, from the running telemetry (startTelemetry). */
export interface TelemetryHandles {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly histograms: LocalHistogramProducer;
}

/** Provides the running telemetry's tracer, meter and local histograms (startTelemetry, before Nest) to every module. */
@Module({})
export class TelemetryModule {
  static forRoot(telemetry: TelemetryHandles): DynamicModule {
    return {
      module: TelemetryModule,
      global: true,
      providers: [
        { provide: TRACER, useValue: telemetry.tracer },
        { provide: METER, useValue: telemetry.meter },
        { provide: LOCAL_HISTOGRAMS, useValue: telemetry.histograms },
      ],
      exports: [TRACER, METER, LOCAL_HISTOGRAMS],
    };
  }
}
