// The k6 section of harness.config.ts (production values; the lab's come from the schema defaults).
export const k6Config = {};
