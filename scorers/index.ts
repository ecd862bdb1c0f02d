/** The built-in scorers and the scorer contract, importable as `tracegate/scorers`. */
export * from './types.js';
export * from './registry.js';
export { exactMatch } from './exact-match.js';
export { contains } from './contains.js';
export { jsonSchema, compileSchema, describeSchemaErrors } from './json-schema.js';
