/** Writes the generated sources the code under test imports (see scripts/compile-manifest-validator.mjs). */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/compile-manifest-validator.mjs', import.meta.url))], { stdio: 'inherit' })
}
