// Secrets never reach disk or stdout: every string written by the ledger and reporters passes through here.
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|WEBHOOK|API_KEY|APIKEY|PRIVATE_KEY)/i;

/** Values of environment variables that look like secrets, plus the ones the config names. */
export function secretValues(env: NodeJS.ProcessEnv, named: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [k, v] of Object.entries(env)) {
    if (v && v.length >= 6 && (SECRET_NAME.test(k) || named.includes(k))) values.add(v);
  }
  // Longest first so a secret containing another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

export function makeRedactor(secrets: readonly string[]): Redactor {
  if (secrets.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}
