/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  // Cases that drive real kernels spend most of their time waiting on the wire, not on the CPU.
  testTimeout: 60_000,
  // The default output, then every skipped test with its reason (test/reporters/skipped-reasons.js).
  reporters: ['default', '<rootDir>/test/reporters/skipped-reasons.js'],
};

export default config;
