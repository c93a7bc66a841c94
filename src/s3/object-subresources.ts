import type { RemoteAcl, RemoteGrant } from '../plan/remote-object.js'
import { requestOptionHeaders } from './object-headers.js'
import type { RequestOptions } from './object-store.js'
import type { RequestExecutor } from './request-executor.js'
import type { S3ErrorContext } from './s3-errors.js'
import { child, children, parseXml, text } from './xml.js'

export async function getObjectTagging(executor: RequestExecutor, key: string, options: RequestOptions = {}): Promise<Record<string, string>> {
  const response = await executor.send({
    operation: 'GetObjectTagging',
    method: 'GET',
    key,
    query: { tagging: '' },
    headers: requestOptionHeaders(options),
  })
  return parseTagging(response.body.toString('utf8'), { operation: 'GetObjectTagging', key })
}

export function parseTagging(xml: string, context?: S3ErrorContext): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const tag of children(child(parseXml(xml, context).Tagging, 'TagSet'), 'Tag')) {
    const key = text(tag, 'Key')
    if (key !== undefined) tags[key] = text(tag, 'Value') ?? ''
  }
  return tags
}

export async function getObjectAcl(executor: RequestExecutor, key: string, options: RequestOptions = {}): Promise<RemoteAcl> {
  const response = await executor.send({
    operation: 'GetObjectAcl',
    method: 'GET',
    key,
    query: { acl: '' },
    headers: requestOptionHeaders(options),
  })
  return parseAcl(response.body.toString('utf8'), { operation: 'GetObjectAcl', key })
}

const PERMISSIONS = new Set<RemoteGrant['permission']>(['FULL_CONTROL', 'READ', 'READ_ACP', 'WRITE', 'WRITE_ACP'])

/** Grants in the grant-header form: `id=...`, `uri=...`, `emailAddress=...`. */
export function parseAcl(xml: string, context?: S3ErrorContext): RemoteAcl {
  const policy = parseXml(xml, context).AccessControlPolicy
  const ownerId = text(child(policy, 'Owner'), 'ID')
  const grants: RemoteGrant[] = []
  for (const grant of children(child(policy, 'AccessControlList'), 'Grant')) {
    const grantee = child(grant, 'Grantee')
    const permission = text(grant, 'Permission') as RemoteGrant['permission']
    const id = text(grantee, 'ID')
    const uri = text(grantee, 'URI')
    const email = text(grantee, 'EmailAddress')
    const who = id !== undefined ? `id=${id}` : uri !== undefined ? `uri=${uri}` : email !== undefined ? `emailAddress=${email}` : undefined
    if (who !== undefined && PERMISSIONS.has(permission)) grants.push({ grantee: who, permission })
  }
  return { ...(ownerId === undefined ? {} : { ownerId }), grants }
}
