// Bundles src/ into one file: node-init loads one script instead of resolving pino and its dependencies
// from node_modules at every start (8-12 ms on Node 20, ../shared/FACTS.md). The addon stays external:
// it is a .node file found through node_modules/posix-exec-native.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/node-init.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['posix-exec-native'],
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
