// Helpers for this repository's tests only: the package is private and never a dependency of a
// published package (only devDependencies and the root's test/ use it).
export type { TestEnvironmentOptions } from './environment.ts';
export { recordRequests, testEnvironment } from './environment.ts';
export type { CountingServer, ScriptedServer } from './servers.ts';
export { bodyOf, echo, freePort, scriptedServer, selfSignedCertificate, serve, serveHttps, startServer } from './servers.ts';
export { tempDir } from './temp-dir.ts';
export { waitUntil } from './wait-until.ts';
