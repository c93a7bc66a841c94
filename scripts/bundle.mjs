#!/usr/bin/env node
// Bundles each command, with everything it imports, into one file under dist/commands/.
// Node's module loader costs more than the code it loads: a plan imported about 500 files,
// about 0.3 s before the first byte was hashed, some 70 ms of which one bundle per command saves
// (bench/README.md). tsc only checks the types; this is the build's only output.
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: ['src/commands/*.ts'],
  outdir: 'dist/commands',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: [
    // bin/run.js loads it to find the command: the command must extend the same Command class.
    '@oclif/core',
    // A native addon, found at run time.
    '@node-rs/crc32',
    // Loaded only when needed (no keys in the environment; a saved plan to read), and large.
    '@aws-sdk/credential-provider-node',
    'ajv/dist/2020.js',
  ],
  // The CommonJS packages inside call require() for Node's built-in modules.
  banner: { js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);" },
})
