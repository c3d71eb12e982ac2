// ESLint flat config: typescript-eslint's type-aware recommended rules for src/ and test/, the plain
// recommended ones for the few JavaScript and config files at the root.
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/**', 'dist-ui/**', 'dist-faults/**', 'dist-bench/**', 'src/generated/**', 'src/api-client/api-types.ts', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused on purpose: an interface parameter a strategy ignores, a destructured field left out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Nest modules are decorated empty classes (`@Module({...}) export class AppModule {}`).
      '@typescript-eslint/no-extraneous-class': 'off',
      // Deliberately not enabling consistent-type-imports: Nest's DI reads constructor parameter types
      // from emitted decorator metadata, and a type-only import erases the class it needs at run time.
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // tsconfig.json leaves out the tests; tsconfig.check.json (the typecheck) covers src/ and test/.
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // Promises nobody awaits are how timer callbacks end up as unhandled rejections.
      '@typescript-eslint/no-floating-promises': 'error',
      // `async` methods that implement a Promise-returning interface (JobStrategy.execute) need no await.
      '@typescript-eslint/require-await': 'off',
      // Static factories such as `rows.map(JobResponse.from)` do not use `this`.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // Nest's HttpStatus is a numeric enum that is compared with plain status numbers throughout.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Rejecting with `signal.reason` (typed any) is the AbortSignal idiom; it is an Error in practice.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: {
      // supertest types every response body as `any`; asserting on it is what these tests do.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `expect(mock.method)` passes methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // jest.isolateModules() loads a fresh copy of a module only through require().
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The dashboard: browser code, type-checked against its own tsconfig (DOM, Preact's JSX).
    files: ['ui/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './ui/tsconfig.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Event handlers given an async function (onSubmit={submit}) are the usual Preact idiom.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      // CommonJS files (jest.config.js, the test database helper run by plain Node) must use require().
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
);
