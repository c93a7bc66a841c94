import { describe, expect, it } from 'vitest'
import { parseListPage } from '../../../src/s3/list-objects.js'
import { completeBody } from '../../../src/s3/multipart-upload.js'
import { parseAcl, parseTagging } from '../../../src/s3/object-subresources.js'
import { redactHeaders, redactUrl, REDACTED } from '../../../src/s3/debug-log.js'

describe('S3 XML documents', () => {
  it('parses tagging, keeping string values as written', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TagSet>
    <Tag><Key>team</Key><Value>web &amp; ops</Value></Tag>
    <Tag><Key>build</Key><Value>007</Value></Tag>
    <Tag><Key>empty</Key><Value></Value></Tag>
  </TagSet>
</Tagging>`
    expect(parseTagging(xml)).toEqual({ team: 'web & ops', build: '007', empty: '' })
    expect(parseTagging('<Tagging><TagSet/></Tagging>')).toEqual({})
  })

  it('parses an ACL into grant-header form', () => {
    const xml = `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner1</ID></Owner><AccessControlList>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>
</AccessControlList></AccessControlPolicy>`
    expect(parseAcl(xml)).toEqual({
      ownerId: 'owner1',
      grants: [
        { grantee: 'id=owner1', permission: 'FULL_CONTROL' },
        { grantee: 'uri=http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
      ],
    })
  })

  it('parses a ListObjectsV2 page with url-encoded keys', () => {
    const xml = `<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken>
<Contents><Key>a+b%2Bc/%C3%BC</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"abc"</ETag><Size>12</Size></Contents>
<Contents><Key>z</Key><ETag>&quot;def-2&quot;</ETag><Size>0</Size><StorageClass>GLACIER</StorageClass></Contents></ListBucketResult>`
    expect(parseListPage(xml)).toEqual({
      nextToken: 'tok',
      objects: [
        { key: 'a b+c/ü', etag: 'abc', size: 12, lastModified: '2025-01-01T00:00:00.000Z', storageClass: 'STANDARD' },
        { key: 'z', etag: 'def-2', size: 0, storageClass: 'GLACIER' },
      ],
    })
  })

  it('writes CompleteMultipartUpload with parts in order', () => {
    const xml = completeBody([
      { partNumber: 2, etag: 'b', checksums: {} },
      { partNumber: 1, etag: 'a', checksums: { CRC64NVME: 'x=' } },
    ])
    expect(xml).toContain('<Part><PartNumber>1</PartNumber><ETag>"a"</ETag><ChecksumCRC64NVME>x=</ChecksumCRC64NVME></Part><Part><PartNumber>2</PartNumber>')
  })
})

describe('redaction', () => {
  it('removes signatures, session tokens and SSE-C keys', () => {
    const headers = redactHeaders({
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abcdef0123',
      'x-amz-security-token': 'token',
      'x-amz-server-side-encryption-customer-key': 'secret',
      'x-amz-server-side-encryption-customer-key-MD5': 'md5',
      'content-type': 'text/plain',
    })
    const values = Object.values(headers)
    for (const secret of ['token', 'secret', 'md5']) expect(values).not.toContain(secret)
    expect(values.join(' ')).not.toContain('abcdef0123')
    expect(headers.authorization).toContain(`Signature=${REDACTED}`)
    expect(headers['content-type']).toBe('text/plain')
    expect(redactUrl('https://h/k?X-Amz-Signature=abc&X-Amz-Security-Token=t&partNumber=1')).toBe(
      `https://h/k?X-Amz-Signature=${REDACTED}&X-Amz-Security-Token=${REDACTED}&partNumber=1`,
    )
  })
})
