#!/usr/bin/env node
// The README's first command: a real validate -> plan -> apply -> plan against a local
// moto_server, on the root uploads.yaml. Ends with the second plan showing no changes.
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const BUCKET = 'putplan-demo'

const moto = await startMoto().catch((error) => {
  console.error(error.message)
  process.exit(1)
})
try {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
  }
  delete env.AWS_PROFILE
  step(`moto_server is listening on ${moto.endpoint}; creating bucket ${BUCKET}`)
  const created = await fetch(`${moto.endpoint}/${BUCKET}`, { method: 'PUT' })
  if (!created.ok) throw new Error(`CreateBucket answered ${created.status}`)

  putplan(env, ['validate'], 0)
  putplan(env, ['plan'], 0)
  putplan(env, ['apply', '--auto-approve'], 0)
  putplan(env, ['plan', '--detailed-exitcode'], 0)
  step('The second plan is empty: the bucket matches uploads.yaml. (--detailed-exitcode exited 0.)')
} finally {
  moto.stop()
}

function putplan(env, args, expected) {
  step(`putplan ${args.join(' ')}`)
  const run = spawnSync(process.execPath, [`${root}/bin/run.js`, ...args], { cwd: root, env, stdio: 'inherit' })
  if (run.status !== expected) {
    console.error(`\nputplan ${args.join(' ')} exited ${run.status}, expected ${expected}`)
    process.exit(1)
  }
}

function step(text) {
  const bold = process.stdout.isTTY && !process.env.NO_COLOR
  console.log(bold ? `\n\u001b[1m==> ${text}\u001b[0m` : `\n==> ${text}`)
}

/** moto_server on a port it picks (-p 0), read back from its start-up line. */
function startMoto() {
  return new Promise((resolve, reject) => {
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const onData = (chunk) => {
      output += chunk
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (!match) return
      const endpoint = `http://127.0.0.1:${match[1]}`
      resolve({ endpoint, stop: () => child.kill() })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', (error) => {
      const missing = error.code === 'ENOENT'
      reject(new Error(missing ? 'moto_server is not installed (not found on PATH). Install it with:\n  pip install "moto[server]"' : `cannot start moto_server: ${error.message}`))
    })
    child.on('exit', (code) => reject(new Error(`moto_server exited (${code}):\n${output}\nReinstall it with: pip install "moto[server]"`)))
  })
}
