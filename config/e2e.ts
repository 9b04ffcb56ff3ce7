// The e2e section of harness.config.ts (production values; the lab's come from the schema defaults).
export const e2eConfig = {};
