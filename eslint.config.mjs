// Lint runs in `npm test`. Type-aware rules catch what STYLE.md asks for: no `any`, no floating promises,
// type-only imports, no console (Nest Logger in the app, diag in OpenTelemetry code).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-tools/**', 'node_modules/**', 'coverage/**', '.tools/**', 'helm/**/*.yaml', '*.config.js', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // The decorator flags tell consistent-type-imports that Nest needs constructor parameter types as values.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Plain Node scripts (helm fetch, schema validation child): linted without type information.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', Buffer: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', console: 'readonly' },
    },
  },
  {
    // Scripts and benchmarks print their results.
    files: ['scripts/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', 'helm/test/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
);
