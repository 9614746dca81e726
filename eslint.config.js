// Lint: typescript-eslint's recommended rules, and the import directions of docs/architecture.md
// as rules, so a wrong-way import is a red build rather than a review comment. test/lint-rules.test.ts
// lints one fixture per forbidden direction and expects each to fail.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A relative import that reaches a top-level folder of src (or bench, test) by name. */
const into = (...folders) => `(^|/)(${folders.join('|')})(/|$)`;

const OUT = '^\\.\\./';
const BIDDERS_EXCHANGE = [
  into('bidders', 'exchange'),
  'The exchange and the bidders never import each other: they meet only on the wire.',
];
const LIBRARY = 'The exchange and the bidders are libraries the simulator drives: they never import src/sim.';
const NO_TESTS = [into('bench', 'test'), 'Code under src never imports the bench or the test helpers.'];

/** no-restricted-imports with one message per forbidden direction. */
const forbid = (rules) =>
  rules.length === 0
    ? {}
    : { 'no-restricted-imports': ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }] };

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...[
    ['src/protocol', [[OUT, 'src/protocol is the wire: it imports nothing of the project.']]],
    ['src/lib', [[OUT, 'src/lib holds building blocks that import nothing of the project.']]],
    ['src/exchange', [BIDDERS_EXCHANGE, [into('sim'), LIBRARY]]],
    ['src/bidders', [BIDDERS_EXCHANGE, [into('sim'), LIBRARY]]],
    ['src/sim', []],
  ].flatMap(([folder, rules]) => [
    // Tests beside the code may use the test helpers; the code itself never reaches into them.
    { files: [`${folder}/**`], rules: forbid(rules) },
    { files: [`${folder}/**`], ignores: ['**/*.test.ts'], rules: forbid([...rules, NO_TESTS]) },
  ]),
  { files: ['src/exchange/**', 'src/bidders/**'], rules: { 'no-console': 'error' } },
  {
    // The chart code runs in the browser, inlined into report.html.
    files: ['src/sim/report/assets/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        devicePixelRatio: 'readonly',
        requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly',
      },
    },
  },
);
