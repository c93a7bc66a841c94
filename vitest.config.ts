import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites each start their own moto_server; two cores, so keep it small.
    maxWorkers: 2,
    // The tests' own S3 clients would print the SDK's Node-version notice in every worker.
    // The CLI under test never inherits it: its environment drops every AWS_* variable.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})
