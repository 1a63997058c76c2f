// First: stops an unsupported Node.js with one line before any dependency loads.
import './runtime/require-supported-node';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayConfigError, loadGatewayConfig, redactUrl, type GatewayConfig } from '@app/config';
import { BufferedLineWriter, createSpanSinks, OtlpTlsFileError, startTelemetry } from '@app/tracing';
import { UpstreamClient, UpstreamTlsFileError } from '@app/upstream-client';
import { createClientErrorCounter, createDroppedConnectionsCounter } from './client-error-handler';
import { exporterMode, findDefaultsFile, gatewayVersion } from './defaults-file';
import { GatewayModule } from './gateway.module';
import { createAdminAdapter, createGatewayAdapter, drainServer, tuneServer, type ServerCounters } from './gateway-server';
import { AdminModule } from './ops/admin.module';
import { GatewayLifecycle } from './ops/gateway-lifecycle';
import { JsonLogger } from './logging/json-logger';
import { formatLogLine } from './logging/log-line';


async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logWriter = new BufferedLineWriter(process.stdout);
  const appLogger = new JsonLogger(logWriter, config.logging.level);
  Logger.overrideLogger(appLogger);
  const logger = new Logger('Gateway');
  const reporterLoggers = { zipkin: new Logger('ZipkinReporter'), otlp: new Logger('OtlpReporter') };
  const telemetry = startTelemetry(config.tracing, (meter) =>
    createSpanSinks(config, meter, logWriter, (exporter) => ({ warn: (m) => reporterLoggers[exporter].warn(m), error: (m) => reporterLoggers[exporter].error(m) })),
  );
  const lifecycle = new GatewayLifecycle();
  telemetry.meter
    .createObservableCounter('gateway_log_lines_dropped', { description: 'Log lines dropped because stdout did not keep up (access log and span lines)' })
    .addCallback((result) => result.observe(logWriter.dropped));
  const counters: ServerCounters = { clientErrors: createClientErrorCounter(telemetry.meter), droppedConnections: createDroppedConnectionsCounter(telemetry.meter) };

  const gateway = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot({ config, logWriter, lifecycle, telemetry }),
    createGatewayAdapter(config.server, counters),
    { bodyParser: false, logger: appLogger },
  );
  tuneServer(gateway.getHttpServer(), config.server, 'gateway', config.server.maxConnections, counters);
  const upstream = gateway.get(UpstreamClient);
  lifecycle.watchUpstreamPool(() => upstream.poolWaits.exhaustedForMs(), config.ingressGateway.poolExhaustedUnreadyMs);
  await gateway.listen(config.server.port, config.server.host);
  const admin = await NestFactory.create<NestFastifyApplication>(
    AdminModule.forRoot({ lifecycle, prometheus: telemetry.prometheus, telemetry, buildInfo: { version: gatewayVersion(__dirname), exporters: exporterMode(config) } }),
    createAdminAdapter(config.server, counters),
    { logger: appLogger },
  );
  tuneServer(admin.getHttpServer(), config.server, 'admin', config.server.adminMaxConnections, counters);
  await admin.listen(config.server.adminPort, config.server.adminHost);
  lifecycle.markListening();
  logger.log({
    message: 'listening',
    gatewayPort: (gateway.getHttpServer().address() as { port: number }).port,
    adminPort: (admin.getHttpServer().address() as { port: number }).port,
    routes: config.routes.length,
    zipkin: config.zipkin.endpoint === undefined ? 'stdout' : `${config.zipkin.apiVersion}/${config.zipkin.encoding} ${redactUrl(config.zipkin.endpoint)}`,
  });

  // Not enableShutdownHooks(): Nest re-raises the signal after closing, so the exit code would be 143, not 0.
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    lifecycle.markDraining();
    logger.log({ message: 'draining', signal, drainTimeoutMs: config.server.drainTimeoutMs });
    const drained = await drainServer(gateway.getHttpServer(), config.server.drainTimeoutMs);
    await gateway.close();
    await telemetry.shutdown();
    await admin.close();
    logger.log({ message: 'stopped', drained });
    logWriter.flush();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

/** Config problems end the process before it listens: one message, every problem, exit code 1. */
function loadConfigOrExit(): GatewayConfig {
  try {
    return loadGatewayConfig({ defaultsFile: findDefaultsFile(__dirname), env: process.env });
  } catch (error) {
    if (!(error instanceof GatewayConfigError)) throw error;
    process.stderr.write(`${formatLogLine(new Date(), 'error', error.message)}\n`);
    process.exit(1);
  }
}

bootstrap().catch((error: unknown) => {
  const tlsFileProblem = error instanceof UpstreamTlsFileError || error instanceof OtlpTlsFileError;
  const message = tlsFileProblem ? `Invalid configuration:\n  - ${error.message}` : `external-proxy failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${formatLogLine(new Date(), 'error', message)}\n`);
  process.exit(1);
});
