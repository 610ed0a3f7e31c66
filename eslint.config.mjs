// ESLint (flat config): typescript-eslint's type-aware rules over src, test, bench, scripts and esbuild.js.
// Type information comes from tsconfig.json (TypeScript) and tsconfig.scripts.json (the plain JS of scripts/,
// checked with checkJs). Formatting is Prettier's job (npm run format), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      '.tools/**',
      '.vscode-test/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      'sample/**',
      // This file itself: plain ESM config, outside both tsconfigs.
      'eslint.config.mjs',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message: 'Only src/host, src/commands, src/extension.ts and test/integration may import vscode.',
            },
          ],
        },
      ],
    },
  },
  {
    // The VS Code side may use the vscode API.
    files: ['src/host/**', 'src/commands/**', 'src/extension.ts', 'test/integration/**', 'test/unit/host/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests read JSON bodies and logs of servers they start: `any` from JSON.parse is the point there.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
      // assert.equal(obj.method, …) and stubs read methods off objects on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // scripts/ and esbuild.js: CommonJS for the machine's Node, run before anything is built.
    files: ['scripts/**/*.js', 'esbuild.js'],
    languageOptions: {
      sourceType: 'commonjs',
      parserOptions: {
        projectService: false,
        project: './tsconfig.scripts.json',
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
