import { createHash } from 'node:crypto'
import type { PutOptions } from '../plan/put-options.js'
import type { RemoteAcl, RemoteGrant } from '../plan/remote-object.js'
import { putObjectAclHeaders, requestOptionHeaders } from './object-headers.js'
import type { ObjectRetention, RequestOptions } from './object-store.js'
import type { RequestExecutor } from './request-executor.js'
import type { S3ErrorContext } from './s3-errors.js'
import { child, children, parseXml, text, xmlEscape } from './xml.js'

export async function getObjectTagging(executor: RequestExecutor, key: string, options: RequestOptions = {}): Promise<Record<string, string>> {
  return parseTagging(await getSubresource(executor, 'GetObjectTagging', key, 'tagging', options), { operation: 'GetObjectTagging', key })
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
  return parseAcl(await getSubresource(executor, 'GetObjectAcl', key, 'acl', options), { operation: 'GetObjectAcl', key })
}

/** The XML document of one of the object's subresources (`?tagging`, `?acl`). */
async function getSubresource(executor: RequestExecutor, operation: string, key: string, subresource: string, options: RequestOptions): Promise<string> {
  const response = await executor.send({ operation, method: 'GET', key, query: { [subresource]: '' }, headers: requestOptionHeaders(options) })
  return response.body.toString('utf8')
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

export async function putObjectTagging(executor: RequestExecutor, key: string, tags: Record<string, string>, options: RequestOptions = {}): Promise<void> {
  const set = Object.keys(tags)
    .sort()
    .map((name) => `<Tag><Key>${xmlEscape(name)}</Key><Value>${xmlEscape(tags[name] ?? '')}</Value></Tag>`)
  await putSubresource(executor, 'PutObjectTagging', key, 'tagging', `<Tagging xmlns="${S3_XMLNS}"><TagSet>${set.join('')}</TagSet></Tagging>`, options)
}

/** The ACL goes as headers (a canned ACL or grants), with no body. */
export async function putObjectAcl(executor: RequestExecutor, key: string, options: PutOptions): Promise<void> {
  await executor.send({ operation: 'PutObjectAcl', method: 'PUT', key, query: { acl: '' }, headers: putObjectAclHeaders(options) })
}

export async function putObjectRetention(executor: RequestExecutor, key: string, retention: ObjectRetention, options: RequestOptions = {}): Promise<void> {
  const mode = retention.objectLockMode === undefined ? '' : `<Mode>${xmlEscape(retention.objectLockMode)}</Mode>`
  const until = retention.objectLockRetainUntilDate === undefined ? '' : `<RetainUntilDate>${xmlEscape(new Date(retention.objectLockRetainUntilDate).toISOString())}</RetainUntilDate>`
  await putSubresource(executor, 'PutObjectRetention', key, 'retention', `<Retention xmlns="${S3_XMLNS}">${mode}${until}</Retention>`, options)
}

export async function putObjectLegalHold(executor: RequestExecutor, key: string, status: string, options: RequestOptions = {}): Promise<void> {
  await putSubresource(executor, 'PutObjectLegalHold', key, 'legal-hold', `<LegalHold xmlns="${S3_XMLNS}"><Status>${xmlEscape(status)}</Status></LegalHold>`, options)
}

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** A PUT of an object's subresource document, with its Content-MD5 (S3 requires one for retention and legal hold). */
async function putSubresource(executor: RequestExecutor, operation: string, key: string, subresource: string, xml: string, options: RequestOptions): Promise<void> {
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`, 'utf8')
  const headers = { ...requestOptionHeaders(options), 'content-type': 'application/xml', 'content-md5': createHash('md5').update(body).digest('base64') }
  await executor.send({ operation, method: 'PUT', key, query: { [subresource]: '' }, headers, body })
}
