import type { Manifest } from '../manifest/index.js'
import type { PutOptions } from '../plan/index.js'

/**
 * The options of the objects that carry an SSE-C key, by key: a saved plan holds none of
 * these keys (they are redacted), so apply takes them from the manifest again. Only these
 * objects: most manifests have none, and ten thousand entries of nothing cost memory.
 */
export function optionsWithSecrets(manifest: Manifest): Map<string, PutOptions> {
  return new Map(manifest.objects.filter((o) => o.options.sseCustomerKey !== undefined).map((o) => [o.key, o.options]))
}
