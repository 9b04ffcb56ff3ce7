// Secrets never reach disk or stdout: every string written by the ledger and reporters passes through here.
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|WEBHOOK|API_KEY|APIKEY|PRIVATE_KEY)/i;

/** Values of environment variables that look like secrets, plus the ones the config names. */
export function secretValues(env: NodeJS.ProcessEnv, named: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [k, v] of Object.entries(env)) {
    // Named secrets always; look-alike names only when long enough not to shred ordinary text.
    if (v && ((named.includes(k) && v.length >= 3) || (v.length >= 6 && SECRET_NAME.test(k)))) values.add(v);
  }
  // Longest first so a secret containing another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

/** The forms a secret takes in what we write: raw, JSON-escaped, URL-encoded. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])].sort((a, b) => b.length - a.length);
}

export function makeRedactor(secrets: readonly string[]): Redactor {
  if (secrets.length === 0) return (t) => t;
  secrets = secrets.flatMap(forms).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}

/** Redacts every string inside a JSON-serialisable value (results, summaries) before it is shown or written. */
export function redactValue<T>(value: T, redact: Redactor): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
