// Removes secret values (webhook URLs and their parts) from any text before it is printed or written.

/** The forms a URL can take inside an error text: whole, encoded, its path, its long path segments. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  try {
    const url = new URL(secret);
    forms.add(url.href);
    forms.add(`${url.pathname}${url.search}`);
    if (url.search) forms.add(url.search.slice(1));
    for (const segment of url.pathname.split('/')) if (segment.length >= 8) forms.add(segment);
  } catch {
    // not a URL: the whole value is the secret, already added
  }
  return [...forms].filter((f) => f.length >= 4 && f !== '/').sort((a, b) => b.length - a.length);
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of secretForms(secret)) out = out.split(form).join('[redacted]');
  }
  return out;
}
