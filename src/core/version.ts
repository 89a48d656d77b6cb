/**
 * paperboy's version, as in package.json; the paper sources see it in the User-Agent.
 * A constant rather than an import of package.json, which would put the whole file
 * (every dependency's name) into the Worker bundle. test/unit/papers/fetch-source.test.ts
 * fails when the two differ.
 */
export const version = "0.1.0";
