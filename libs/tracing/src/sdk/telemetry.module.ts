import { Module, type DynamicModule } from '@nestjs/common';
import type { Meter, Tracer } from '@opentelemetry/api';

/** The app's one tracer (every span of the proxy) and one meter (every instrument), injected by token. */
export const TRACER = Symbol('TRACER');
export const METER = Symbol('METER');

/** Provides the running telemetry's tracer and meter (startTelemetry, before Nest) to every module. */
@Module({})
export class TelemetryModule {
  static forRoot(telemetry: { readonly tracer: Tracer; readonly meter: Meter }): DynamicModule {
    return {
      module: TelemetryModule,
      global: true,
      providers: [
        { provide: TRACER, useValue: telemetry.tracer },
        { provide: METER, useValue: telemetry.meter },
      ],
      exports: [TRACER, METER],
    };
  }
}
