import { describe, expect, it } from 'vitest'
import { isErrorDocument, parseRetryAfter, toServiceError } from '../../../src/s3/error-response.js'
import { S3ServiceError } from '../../../src/s3/s3-errors.js'
import { PutplanError } from '../../../src/errors/index.js'

const ctx = { operation: 'PutObject', key: 'a b.txt' }

describe('toServiceError', () => {
  it('reads code, message, request id and region from the XML error', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region><RequestId>REQ1</RequestId><HostId>h</HostId></Error>`
    const error = toServiceError({ status: 400, headers: {}, body }, ctx)
    expect(error).toBeInstanceOf(S3ServiceError)
    expect(error).toBeInstanceOf(PutplanError)
    expect(error).toMatchObject({ code: 's3', status: 400, s3Code: 'AuthorizationHeaderMalformed', requestId: 'REQ1', bucketRegion: 'eu-west-1', key: 'a b.txt', operation: 'PutObject' })
    expect(error.message).toContain('a b.txt')
  })

  it('maps a bodiless answer (HEAD) from its status and headers', () => {
    const error = toServiceError({ status: 403, headers: { 'x-amz-request-id': 'R2' }, body: '' }, { operation: 'HeadObject' })
    expect(error).toMatchObject({ status: 403, s3Code: 'Forbidden', requestId: 'R2' })
    expect(toServiceError({ status: 301, headers: { 'x-amz-bucket-region': 'ap-south-1' }, body: '' }, ctx)).toMatchObject({
      s3Code: 'PermanentRedirect',
      bucketRegion: 'ap-south-1',
    })
    expect(toServiceError({ status: 418, headers: {}, body: 'not xml <' }, ctx).s3Code).toBe('Http418')
  })

  it('reads Retry-After as seconds or as a date', () => {
    expect(toServiceError({ status: 503, headers: { 'retry-after': '3' }, body: '' }, ctx).retryAfterSeconds).toBe(3)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5)
    expect(parseRetryAfter('soon')).toBeUndefined()
  })

  it('recognises an error document in a 200 answer', () => {
    expect(isErrorDocument('<?xml version="1.0"?>\n<Error><Code>InternalError</Code></Error>')).toBe(true)
    expect(isErrorDocument('<?xml version="1.0"?><CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>')).toBe(false)
  })
})
