import { scrypt } from 'node:crypto'

/**
 * scrypt at OWASP's recommended cost (N = 2^15, r = 8, p = 3: 32 MiB and about a third of a
 * second per secret). The plan is posted where many can read it, with its salt beside the
 * digest, so a salt alone (a salted SHA-256, or an HMAC keyed with something in the plan)
 * would only stop tables made in advance: each guess of a weak key would still cost one
 * fast hash, billions a second. A memory-hard function makes each guess cost what a login
 * does. The parameters are fixed by the plan format: another cost is another format.
 */
const COST = { N: 2 ** 15, r: 8, p: 3, maxmem: 64 * 1024 * 1024 }
const LENGTH = 32

/**
 * Hex digest of a secret variable's value, salted with the plan's random id and the
 * variable's name: two plans, or two variables of one plan, never share a digest.
 */
export function secretDigest(planId: string, name: string, value: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(value, `putplan secret ${planId} ${name}`, LENGTH, COST, (error, key) => (error ? reject(error) : resolve(key.toString('hex'))))
  })
}
