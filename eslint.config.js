// Lint rules the layout depends on (README "Layout"): no import cycles anywhere, and shared
// packages never import a provider — providers sit above the pipeline and plug into it, so a
// new provider changes no shared layer. Style is Prettier's business (npm run format).
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const PROVIDER_PACKAGES = [
  '@hookstream/hubspot',
  '@hookstream/hubspot/*',
  '@hookstream/sources',
  '@hookstream/sources/*',
  '@hookstream/crm',
  '@hookstream/crm/*',
  '@hookstream/location',
  '@hookstream/location/*',
  '@hookstream/providers',
];
const SHARED = [
  'packages/core',
  'packages/config',
  'packages/observability',
  'packages/kafka',
  'packages/store',
  'packages/pipeline',
  'packages/client',
  'packages/deliveries',
  'packages/geo',
  'packages/archive',
  // Destinations are the outbound side: any provider's rules may use them, so they know none.
  'packages/destinations/meta-capi',
  'packages/destinations/brevo',
  'packages/destinations/catalog',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.tools/**', 'bench/results/**', '.test-results/**', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    extends: [tseslint.configs.recommended, importX.flatConfigs.typescript],
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: false }],
      'import-x/no-self-import': 'error',
      // The logger is pino, passed in as a value; console output bypasses redaction.
      'no-console': 'error',
      // `_name` marks a parameter kept for a signature (a Fastify handler, a test double).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: SHARED.map((dir) => `${dir}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: PROVIDER_PACKAGES, message: 'shared packages never import a provider: providers plug into the pipeline (see README "Adding a provider")' },
            { group: ['**/providers/**'], message: 'shared packages never import a provider' },
          ],
        },
      ],
    },
  },
);
