import tseslint from 'typescript-eslint';

// Type-aware lint: floating promises and misused promises are errors, because a dropped promise
// in a call session is a lost audit event or a silent crash.
export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'dist/', '.dist-tmp-*/', 'data/', 'test-artifacts/', 'src/web/client/vendor/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
