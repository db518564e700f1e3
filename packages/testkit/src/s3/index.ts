export { startLocalS3, type LocalS3, type LocalS3Options } from './local-s3.js';
export { s3mockJar, s3mockCacheDir, S3MOCK_VERSION, type S3MockJarOptions } from './s3mock-jar.js';
export { LocalS3Error, type LocalS3ErrorCode } from './errors.js';
