// Errors our own fixtures throw when the harness cannot test (no browser, no lab, no account, no base URL, no baseline):
// the message starts with a fixed code, and the adapter decides `broken` on that code alone.

/** Every reason the harness itself may give for not being able to run a test. */
export const HARNESS_CODES = ['BROWSER_LAUNCH', 'NO_LAB', 'NO_ACCOUNT', 'NO_BASE_URL', 'NO_BASELINE', 'NO_CONTRACT'] as const;
export type HarnessCode = (typeof HARNESS_CODES)[number];

/** An Error whose message is `[harness:CODE] text` (Playwright keeps only the message across processes). */
export function harnessError(code: HarnessCode, text: string): Error {
  return new Error(`[harness:${code}] ${text}`);
}

// Only at the very start of the message (after colours and Playwright's "Error: " prefix): never inside text.
const TAG = new RegExp(`^(?:Error: )?\\[harness:(${HARNESS_CODES.join('|')})\\] `);
const ANSI = /\u001b\[[0-9;]*m/g;

/** The code of an error our fixtures threw, or undefined for any other error (a finding, not a harness fault). */
export function harnessCodeOf(message: string | undefined): HarnessCode | undefined {
  return TAG.exec((message ?? '').replace(ANSI, ''))?.[1] as HarnessCode | undefined;
}
