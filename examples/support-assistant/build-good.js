import { createAssistant } from './assistant.js';

/** The good build: what main ships. `tracegate eval` passes on it. */
export const answer = createAssistant({});
