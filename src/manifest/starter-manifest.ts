/** What `putplan init` writes: a manifest that explains itself. */
export function starterManifest(bucket: string): string {
  return `# yaml-language-server: $schema=https://putplan.dev/schema/uploads.schema.json
# putplan keeps the bucket below equal to this manifest:
#   putplan validate    check it (no network)
#   putplan plan        see what would change
#   putplan apply       make it so
version: 1
bucket: ${bucket}
# region: eu-west-1                # else AWS_REGION or the profile's region
# endpoint: http://127.0.0.1:9000  # an S3-compatible store

# A record of what apply wrote, so that a plan trusts LIST where nothing was rewritten
# since, instead of asking HeadObject for every object (much faster on large buckets).
# It is an object itself: keep it in another bucket if this one is public.
# state: { key: .putplan/state.json }
# state: { bucket: my-state-bucket, key: my-site/state.json }

# Delete objects this manifest no longer declares, but only those putplan wrote (needs
# state); objects other tools wrote are listed in the plan as unowned, never deleted.
# prune: true
# prune: { maxDeletes: 100, protect: ["downloads/**"] }

# The variables \${NAME} may use: only these are read, from --var NAME=..., then the
# environment, then default. A secret is shown as (secret) everywhere and never saved.
# variables:
#   GIT_TAG: { description: the release tag, default: dev }
#   SSE_C_KEY: { description: SSE-C key, secret: true }

# PutObject options for every object (names as in \`aws s3api put-object\`, in camelCase).
defaults:
  serverSideEncryption: AES256
  checksumAlgorithm: CRC64NVME

uploads:
  # Every file under dist/, keyed by its path relative to dist/.
  - source: "dist/**"
    root: dist
    exclude: ["**/*.map"]
    cacheControl: "public, max-age=300"
  # One file under an exact key; \${NAME} must be declared under variables: above.
  # - source: build/app.tar.gz
  #   key: releases/\${GIT_TAG}/app.tar.gz
  #   ifNoneMatch: "*"              # create-only: never overwrite
`
}
