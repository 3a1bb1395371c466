import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Two architectural lines are held here rather than in review (docs/ARCHITECTURE.md, "Layers"):
 * - only the Electron glue (main/electron/ and the preload's entry) imports `electron`; everything
 *   else in main/ is plain Node and runs in tests exactly as in the app;
 * - the renderer imports only common/ and its own files: no Node, no Electron, no main/.
 */
const ELECTRON_GLUE = ['main/electron/**/*.ts', 'preload/index.ts'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'coverage/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ELECTRON_GLUE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only the Electron glue (main/electron/, preload/index.ts) imports electron: see docs/ARCHITECTURE.md, "Layers".',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.|react$|react/|react-dom$|react-dom/)',
              message: 'The renderer imports only react, common/ and its own files.',
            },
            {
              regex: '^\\.\\./(\\.\\./)*(main|preload|idp|tests|bench|scripts)(/|$)',
              message: 'The renderer imports only common/ and its own files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.ts', '*.config.js', '*.config.mjs', 'vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
