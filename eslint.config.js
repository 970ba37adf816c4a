// Lint for the whole repository: typescript-eslint's recommended rules, plus type-aware rules
// that catch promise bugs (a request or a stop that nobody awaits, an async callback whose
// rejection nobody sees). Type information comes from the root tsconfig.json: one program for
// every TypeScript file keeps the run short on two cores.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', 'packages/*/test-support/**/*.ts', 'test/**/*.ts', '**/bench/**/*.ts'];

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      // Outputs of runs (as in .gitignore).
      'bench/out/**',
      'test/artifacts/**',
      '*-output/**',
      // A user file's compiled copy while it loads (as in .gitignore).
      '**/.*.locusta-*.mjs',
      // Meant not to parse: the CLI's error for it is what a test checks.
      'test/fixtures/syntax-error.ts',
      // The Helm chart's default user file: a copy of examples/inference/locustfile.ts (a test
      // keeps them equal), linted there.
      'docker/helm/*/files/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` names a value left out on purpose, e.g. `const { $0: _script, ...options } = args`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: TESTS,
    rules: {
      // Tests read parsed JSON and browser objects loosely.
      '@typescript-eslint/no-explicit-any': 'off',
      // Loopback servers take async request handlers; a throw there fails the test anyway.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // The missing await is the point: the CLI's warning about it is what a test checks.
    files: ['test/fixtures/missing-await.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
