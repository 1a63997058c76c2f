import { ENV_BINDINGS, ENV_BY_PATH, applyEnvOverrides, isPlainObject, parseEnvValue, type EnvBinding } from './env-overrides';

type Kind = EnvBinding['kind'];

describe('env-overrides', () => {
  describe('ENV_BINDINGS', () => {
    it('should bind each variable once, and each path once except the OTLP generic/_TRACES_ pairs', () => {
      const envs = ENV_BINDINGS.map((binding) => binding.env);
      const shared = ENV_BINDINGS.filter((binding) => binding.env.startsWith('OTEL_EXPORTER_OTLP_') && !binding.env.includes('_TRACES_'));
      const paths = ENV_BINDINGS.map((binding) => binding.path.join('.'));
      expect({ envs: new Set(envs).size, paths: new Set(paths).size }).toEqual({ envs: envs.length, paths: paths.length - shared.length });
    });

    it('should bind each OTLP _TRACES_ variable after its generic one, so it wins', () => {
      const order = ENV_BINDINGS.map((binding) => binding.env);
      const pairs = order.filter((env) => env.startsWith('OTEL_EXPORTER_OTLP_TRACES_')).map((env) => [order.indexOf(env.replace('_TRACES_', '_')), order.indexOf(env)]);
      expect(pairs.every(([generic, traces]) => generic >= 0 && generic < traces)).toBe(true);
    });

    it('should index every binding by its path, the winning variable first', () => {
      expect(ENV_BY_PATH.get('server.port')).toBe('GATEWAY_PORT');
      expect(ENV_BY_PATH.get('otlp.protocol')).toBe('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL');
      expect(new Set(ENV_BY_PATH.keys())).toEqual(new Set(ENV_BINDINGS.map((binding) => binding.path.join('.'))));
    });
  });

  describe(parseEnvValue.name, () => {
    it.each<[Kind, string, unknown]>([
      ['string', 'external-proxy', 'external-proxy'],
      ['string', '  padded  ', 'padded'],
      ['int', '8080', 8080],
      ['int', ' 8080 ', 8080],
      ['int', '0', 0],
      ['int', '-1', -1],
      ['int', '1e3', 1000],
      // Kept as the raw text, so the validator reports it against the key instead of it becoming NaN.
      ['int', 'abc', 'abc'],
      ['int', '80 80', '80 80'],
      ['int', '   ', '   '],
      ['int', 'Infinity', 'Infinity'],
      ['int', '1.5', 1.5],
      ['number', '0.25', 0.25],
      ['number', '1', 1],
      ['number', 'NaN', 'NaN'],
      ['bool', 'true', true],
      ['bool', 'false', false],
      ['bool', ' true ', true],
      ['bool', 'TRUE', 'TRUE'],
      ['bool', '1', '1'],
      ['bool', 'yes', 'yes'],
      ['list', 'b3multi', ['b3multi']],
      ['list', 'b3multi, tracecontext', ['b3multi', 'tracecontext']],
      ['list', ' b3 ,, tracecontext ,', ['b3', 'tracecontext']],
      ['list', ',', []],
      ['map', 'Authorization=Bearer abc', { Authorization: 'Bearer abc' }],
      ['map', 'a=1,b=2', { a: '1', b: '2' }],
      ['map', ' a = 1 , b = 2 ', { a: '1', b: '2' }],
      ['map', 'Authorization=Basic%20dXNlcjpwdw%3D%3D', { Authorization: 'Basic dXNlcjpwdw==' }],
      ['map', 'x=a=b', { x: 'a=b' }],
      ['map', 'x=', { x: '' }],
      ['map', 'a=1,,b=2,', { a: '1', b: '2' }],
      ['map', 'novalue', 'novalue'],
      ['map', '=value', '=value'],
      ['map', 'a=1,broken', 'a=1,broken'],
      ['map', 'a=%E0%A4%A', 'a=%E0%A4%A'],
      ['otlpBaseUrl', 'http://collector:4318', 'http://collector:4318/v1/traces'],
      ['otlpBaseUrl', 'http://collector:4318/', 'http://collector:4318/v1/traces'],
      ['otlpBaseUrl', 'https://otlp.example.com/tenant/a', 'https://otlp.example.com/tenant/a/v1/traces'],
    ])('should read a %s from %j', (kind, raw, expected) => {
      expect(parseEnvValue(raw, kind)).toEqual(expected);
    });
  });

  describe(applyEnvOverrides.name, () => {
    it.each<[string, Record<string, unknown>, NodeJS.ProcessEnv, Record<string, unknown>]>([
      ['nothing when no variable is set', { server: { port: 8080 } }, {}, { server: { port: 8080 } }],
      ['nothing for an empty variable (unset)', { server: { port: 8080 } }, { GATEWAY_PORT: '' }, { server: { port: 8080 } }],
      ['nothing for unrelated variables', { server: { port: 8080 } }, { PATH: '/usr/bin', HOME: '/root' }, { server: { port: 8080 } }],
      ['a value beside the keys it leaves alone', { server: { port: 8080, host: '0.0.0.0' } }, { GATEWAY_PORT: '9090' }, { server: { port: 9090, host: '0.0.0.0' } }],
      ['missing parents created', {}, { INGRESS_GATEWAY_CA_FILE: '/ca.pem' }, { ingressGateway: { tls: { caFile: '/ca.pem' } } }],
      ['a parent of the wrong type replaced', { ingressGateway: { tls: 'oops' } }, { INGRESS_GATEWAY_KEY_FILE: '/k' }, { ingressGateway: { tls: { keyFile: '/k' } } }],
      ['a list parent replaced by an object', { tracing: ['x'] }, { OTEL_SERVICE_NAME: 'gw' }, { tracing: { serviceName: 'gw' } }],
      ['a list replaced, not merged', { tracing: { propagators: ['b3multi'] } }, { OTEL_PROPAGATORS: 'tracecontext' }, { tracing: { propagators: ['tracecontext'] } }],
      ['a map replaced, not merged', { zipkin: { headers: { a: '1' } } }, { ZIPKIN_HEADERS: 'b=2' }, { zipkin: { headers: { b: '2' } } }],
      ['the OTLP traces URL from the base URL', {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, { otlp: { endpoint: 'http://c:4318/v1/traces' } }],
      [
        'the _TRACES_ variables over the generic ones',
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_HEADERS: 'a=1', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=2' },
        { otlp: { endpoint: 'http://t:4318/traces', protocol: 'http/protobuf', headers: { b: '2' } } },
      ],
      ['the exporters list', {}, { OTEL_TRACES_EXPORTER: 'zipkin, otlp' }, { tracing: { exporters: ['zipkin', 'otlp'] } }],
    ])('should set %s', (_case, tree, env, expected) => {
      applyEnvOverrides(tree, env);
      expect(tree).toEqual(expected);
    });

    const SAMPLE: Readonly<Record<Kind, [string, unknown]>> = {
      string: ['value', 'value'],
      int: ['42', 42],
      number: ['0.5', 0.5],
      bool: ['false', false],
      list: ['b3,tracecontext', ['b3', 'tracecontext']],
      map: ['k=v', { k: 'v' }],
      otlpBaseUrl: ['http://c:4318', 'http://c:4318/v1/traces'],
    };

    it.each(ENV_BINDINGS.map((binding) => [binding.env, binding.path.join('.'), binding.kind, binding] as const))(
      'should put %s on %s as a %s',
      (_env, _path, kind, binding) => {
        const tree: Record<string, unknown> = {};
        const [raw, value] = SAMPLE[kind];
        applyEnvOverrides(tree, { [binding.env]: raw });
        const expected = binding.path.reduceRight<unknown>((child, key) => ({ [key]: child }), value);
        expect(tree).toEqual(expected);
      },
    );
  });

  describe(isPlainObject.name, () => {
    it.each<[string, unknown, boolean]>([
      ['an object', { a: 1 }, true],
      ['an empty object', {}, true],
      ['an array', [], false],
      ['null', null, false],
      ['undefined', undefined, false],
      ['a string', 'x', false],
      ['a number', 1, false],
    ])('should say %s is %s', (_case, value, expected) => {
      expect(isPlainObject(value)).toBe(expected);
    });
  });
});
