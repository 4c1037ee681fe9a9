// Kept in step with package.json by the release script (changesets bumps package.json only).
export const SDK_VERSION = "0.1.0";
