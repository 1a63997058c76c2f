import { StandInCollector } from '../../../../libs/tracing/src/zipkin/reporter/testing/stand-in-collector';
import { writeYamlFile } from './routes-file';
import { StandInUpstream } from './stand-in-upstream';

/** The stand-in upstream and collector most suites point the gateway at. */
export interface StandIns {
  readonly upstream: StandInUpstream;
  readonly collector: StandInCollector;
}

export async function startStandIns(): Promise<StandIns> {
  const [upstream, collector] = await Promise.all([new StandInUpstream().start(), StandInCollector.start()]);
  return { upstream, collector };
}

export async function closeStandIns({ upstream, collector }: StandIns): Promise<void> {
  await Promise.all([upstream.close(), collector.close()]);
}

/** Where a gateway sends requests and spans, and the files it reads; each one left out is left unset. */
export interface GatewaySetup {
  /** INGRESS_GATEWAY_URL: where every route without an upstream of its own goes. */
  readonly upstream?: { readonly url: string };
  /** OTEL_EXPORTER_ZIPKIN_ENDPOINT: a stand-in collector (its base URL), or the whole endpoint URL. */
  readonly collector?: { readonly baseUrl: string } | string;
  /** Written to a fresh ROUTES_FILE. */
  readonly routes?: readonly object[];
  /** Written to a fresh CONFIG_FILE (gateway.yaml). */
  readonly config?: object;
}

/** The environment for startGateway: the setup as the gateway's variables, then `extra` variables as given. */
export function gatewayEnv(setup: GatewaySetup, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const { upstream, collector, routes, config } = setup;
  return {
    ...(upstream !== undefined && { INGRESS_GATEWAY_URL: upstream.url }),
    ...(collector !== undefined && { OTEL_EXPORTER_ZIPKIN_ENDPOINT: typeof collector === 'string' ? collector : collector.baseUrl }),
    ...(routes !== undefined && { ROUTES_FILE: writeYamlFile({ routes }) }),
    ...(config !== undefined && { CONFIG_FILE: writeYamlFile(config, 'gateway.yaml') }),
    ...extra,
  };
}
