import { secretValues, type Manifest } from '../manifest/index.js'
import { redactSecrets, withoutSecrets } from '../plan/index.js'
import { NO_COLORS, type Colors } from './colors.js'
import { FORMAT_VERSION } from './error-json.js'
import { formatSize } from './format-size.js'

export function totalBytes(manifest: Manifest): number {
  return manifest.objects.reduce((sum, object) => sum + object.size, 0)
}

export function renderValidationHuman(manifest: Manifest, file: string, c: Colors = NO_COLORS): string {
  const count = manifest.objects.length
  const objects = `${count} ${count === 1 ? 'object' : 'objects'}`
  return `${c.green('Valid:')} ${file} wants ${objects} (${formatSize(totalBytes(manifest))}) in bucket ${manifest.bucket}.\n`
}

/** Every desired object with its resolved options; secrets never appear. */
export function renderValidationJson(manifest: Manifest): string {
  const secrets = secretValues(manifest)
  const document = {
    formatVersion: FORMAT_VERSION,
    valid: true,
    bucket: manifest.bucket,
    region: manifest.region ?? null,
    endpoint: manifest.endpoint ?? null,
    summary: { objects: manifest.objects.length, bytes: totalBytes(manifest) },
    objects: manifest.objects.map((object) => ({
      key: object.key,
      source: object.source,
      size: object.size,
      options: redactSecrets(withoutSecrets(object.options), secrets),
    })),
  }
  return JSON.stringify(document, null, 2)
}
