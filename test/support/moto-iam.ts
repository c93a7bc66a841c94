/**
 * IAM identities in moto's auth mode for the hostile and secrets tests: a user whose
 * policy denies some S3 actions, and temporary credentials (with a session token) from
 * STS AssumeRole. The harness's test user may not call IAM, so the few IAM calls needed
 * are let through unchecked with moto's `/moto-api/reset-auth`, which lets the next N
 * requests pass without a signature. Only safe while nothing else talks to that moto
 * (call these from `beforeAll`, one at a time).
 */
import type { Credentials, MotoServer } from './moto.js'
import { signedFetch } from './moto.js'

export interface TemporaryCredentials extends Credentials {
  sessionToken: string
}

type Server = Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: { Effect: 'Allow' | 'Deny'; Action: string[]; Resource: string }[]
}

/** Allows every S3 action except `denied` (e.g. `['s3:PutObject']`). */
export function denyingPolicy(denied: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:*'], Resource: '*' },
      ...(denied.length > 0 ? [{ Effect: 'Deny' as const, Action: denied, Resource: '*' }] : []),
    ],
  }
}

/** A new IAM user with `policy` as its only (inline) policy, and its access key. */
export async function createUser(server: Server, name: string, policy: PolicyDocument): Promise<Credentials> {
  await freeRequests(server, 3)
  await call(server, 'iam', { Action: 'CreateUser', UserName: name, Version: '2010-05-08' })
  await call(server, 'iam', { Action: 'PutUserPolicy', UserName: name, PolicyName: name, PolicyDocument: JSON.stringify(policy), Version: '2010-05-08' })
  const xml = await call(server, 'iam', { Action: 'CreateAccessKey', UserName: name, Version: '2010-05-08' })
  return { accessKeyId: field(xml, 'AccessKeyId'), secretAccessKey: field(xml, 'SecretAccessKey') }
}

/**
 * Temporary credentials of a new role allowed `policy`: CreateRole and PutRolePolicy go
 * through unchecked, AssumeRole is signed by the harness's user (its policy allows sts:*).
 */
export async function assumeRole(server: Server, name: string, policy: PolicyDocument): Promise<TemporaryCredentials> {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }
  await freeRequests(server, 2)
  const role = await call(server, 'iam', { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), Version: '2010-05-08' })
  await call(server, 'iam', { Action: 'PutRolePolicy', RoleName: name, PolicyName: name, PolicyDocument: JSON.stringify(policy), Version: '2010-05-08' })
  const xml = await call(server, 'sts', { Action: 'AssumeRole', RoleArn: field(role, 'Arn'), RoleSessionName: 'putplan-test', Version: '2011-06-15' })
  return { accessKeyId: field(xml, 'AccessKeyId'), secretAccessKey: field(xml, 'SecretAccessKey'), sessionToken: field(xml, 'SessionToken') }
}

/**
 * A new role allowed `policy` that any web identity may assume, as a CI's OIDC role is
 * (CreateRole and PutRolePolicy go through unchecked); its ARN.
 */
export async function webIdentityRole(server: Server, name: string, policy: PolicyDocument): Promise<string> {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: '*' }, Action: 'sts:AssumeRoleWithWebIdentity' }] }
  await freeRequests(server, 2)
  const role = await call(server, 'iam', { Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), Version: '2010-05-08' })
  await call(server, 'iam', { Action: 'PutRolePolicy', RoleName: name, PolicyName: name, PolicyDocument: JSON.stringify(policy), Version: '2010-05-08' })
  return field(role, 'Arn')
}

/**
 * The next `count` AWS requests to this moto skip authentication. Also how an unsigned
 * AssumeRoleWithWebIdentity gets through: AWS takes it unsigned, moto's auth mode
 * fails on any request without an Authorization header.
 */
export async function freeRequests(server: Server, count: number): Promise<void> {
  const response = await fetch(`${server.endpoint}/moto-api/reset-auth`, { method: 'POST', body: String(count) })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`moto reset-auth: ${response.status} ${text}`)
}

async function call(server: Server, service: 'iam' | 'sts', params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams(params).toString()
  const response = await signedFetch(server.endpoint, server.region, server.credentials, service, {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${service} ${params.Action}: ${response.status} ${text}`)
  return text
}

function field(xml: string, name: string): string {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1]
  if (value === undefined) throw new Error(`no <${name}> in ${xml}`)
  return value
}
