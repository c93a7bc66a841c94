import { secretValues, type Manifest } from '../manifest/index.js'
import { carries, type PutOptions } from '../plan/index.js'

/**
 * The options of the objects that carry a secret (an SSE-C key, or a secret variable's
 * value in any option), by key: a saved plan holds none of them (they are redacted), so
 * apply takes these objects' options from the manifest again. Only these objects: most
 * manifests have none, and ten thousand entries of nothing cost memory.
 */
export function optionsWithSecrets(manifest: Manifest): Map<string, PutOptions> {
  const secrets = secretValues(manifest)
  const secret = (options: PutOptions): boolean => options.sseCustomerKey !== undefined || (secrets.length > 0 && carries(options, secrets))
  return new Map(manifest.objects.filter((o) => secret(o.options)).map((o) => [o.key, o.options]))
}
