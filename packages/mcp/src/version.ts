// Kept in step with package.json by the release script (changesets bumps package.json only);
// test/version.test.ts fails when the two differ.
export const MCP_VERSION = "0.1.0";
