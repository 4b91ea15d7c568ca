/** This package's version (kept equal to package.json by test/core/version.test.ts). */
export const SDK_VERSION = '0.1.0'
