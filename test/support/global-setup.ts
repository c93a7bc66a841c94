/** Writes the generated sources the code under test imports (see scripts/compile-*.mjs). */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPTS = ['compile-manifest-validator.mjs', 'compile-wasm.mjs']

export default function setup(): void {
  for (const script of SCRIPTS) {
    execFileSync(process.execPath, [fileURLToPath(new URL(`../../scripts/${script}`, import.meta.url))], { stdio: 'inherit' })
  }
}
