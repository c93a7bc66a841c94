import type { PutOptions } from './put-options.js'
import type { RemoteAcl, RemoteGrant } from './remote-object.js'

const ALL_USERS = 'uri=http://acs.amazonaws.com/groups/global/AllUsers'
const AUTHENTICATED_USERS = 'uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers'

/** Grants a canned ACL adds besides the owner's FULL_CONTROL; undefined when S3 decides. */
const CANNED: Record<string, readonly string[] | undefined> = {
  private: [],
  'public-read': [`READ ${ALL_USERS}`],
  'public-read-write': [`READ ${ALL_USERS}`, `WRITE ${ALL_USERS}`],
  'authenticated-read': [`READ ${AUTHENTICATED_USERS}`],
  // These name grantees (EC2's account, the bucket owner) the object's ACL cannot be
  // matched against without more calls; they are not compared.
  'aws-exec-read': undefined,
  'bucket-owner-read': undefined,
  'bucket-owner-full-control': undefined,
}

const GRANT_OPTIONS = {
  grantFullControl: 'FULL_CONTROL',
  grantRead: 'READ',
  grantReadACP: 'READ_ACP',
  grantWriteACP: 'WRITE_ACP',
} as const satisfies Partial<Record<keyof PutOptions, RemoteGrant['permission']>>

/** The ACL PutObject would set, compared with the object's, owner's own grant aside: the grants of each when they differ. */
export function aclDrift(desired: PutOptions, remote: RemoteAcl): { want: string[]; have: string[] } | undefined {
  const wanted = wantedGrants(desired)
  if (wanted === undefined) return undefined
  // The owner keeps FULL_CONTROL whatever is declared: left out on both sides.
  const ownerGrant = `FULL_CONTROL id=${remote.ownerId}`
  wanted.delete(ownerGrant)
  const have = new Set(remote.grants.map(grantText).filter((g) => g !== ownerGrant))
  const same = wanted.size === have.size && [...wanted].every((g) => have.has(g))
  return same ? undefined : { want: [...wanted].sort(), have: [...have].sort() }
}

function wantedGrants(desired: PutOptions): Set<string> | undefined {
  const grants = new Set<string>()
  if (desired.acl !== undefined) {
    const canned = CANNED[desired.acl]
    if (canned === undefined) return undefined
    for (const grant of canned) grants.add(grant)
  }
  for (const [option, permission] of Object.entries(GRANT_OPTIONS) as [keyof typeof GRANT_OPTIONS, RemoteGrant['permission']][]) {
    for (const grantee of splitGrantees(desired[option])) {
      // S3 reports e-mail grantees by canonical id: they cannot be matched here.
      if (grantee.startsWith('emailAddress=')) return undefined
      grants.add(`${permission} ${grantee}`)
    }
  }
  return grants
}

function splitGrantees(value: string | undefined): string[] {
  if (value === undefined) return []
  return value
    .split(',')
    .map((g) => g.trim().replace(/="(.*)"$/, '=$1'))
    .filter((g) => g !== '')
}

function grantText(grant: RemoteGrant): string {
  return `${grant.permission} ${grant.grantee}`
}
