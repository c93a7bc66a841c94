/**
 * User metadata values travel in HTTP headers, which carry ASCII only. Like S3 itself,
 * non-ASCII values are sent RFC 2047 encoded (`=?UTF-8?B?...?=`); S3 decodes them to
 * store and encodes them again when it answers, so reading decodes.
 */
export function encodeMetadataValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`
}

const ENCODED_WORD = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g

export function decodeMetadataValue(value: string): string {
  if (!value.includes('=?')) return value
  // Whitespace between adjacent encoded words is not part of the value (RFC 2047, 6.2).
  const joined = value.replace(/\?=\s+=\?/g, '?==?')
  return joined.replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    if (!/^utf-?8$/i.test(charset) && !/^(us-)?ascii$/i.test(charset) && !/^iso-8859-1$/i.test(charset)) return word
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1')
    return bytes.toString(/^iso-8859-1$/i.test(charset) ? 'latin1' : 'utf8')
  })
}
