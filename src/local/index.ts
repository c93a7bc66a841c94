export { hashFile, type HashRunOptions } from './hash-file.js'
export { coversRequest, partsAt, wantsMd5, type DigestRequest, type PartCut, type PartsRequest } from './digest-request.js'
export {
  DEFAULT_MULTIPART_POLICY,
  S3_MAX_PARTS,
  S3_MAX_PART_SIZE,
  S3_MIN_PART_SIZE,
  isMultipart,
  partSizeFor,
  type MultipartPolicy,
} from './part-size.js'
export { FileChangedError } from './file-changed-error.js'
export { createChecksumHasher, createMd5Hasher, type Hasher } from './hasher.js'
export { compressFile, compressionSettings, type Compressed } from './compress-file.js'
