// The HTML shell of every lab page: landmarks, labels and contrast that pass an axe scan, the config marker.
import { escapeHtml } from './http.ts';

export interface PageOptions {
  marker: string;
  /** Shown in the header: "Pay your bill", "Payer portal", "Sign in". */
  site: string;
  title: string;
  body: string;
  /** Inline script (the portal's idle timer). */
  script?: string;
  nav?: { href: string; label: string }[];
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main,footer{padding:1rem 2rem}header{background:#0b3d6e;color:#fff}header a{color:#fff}
a{color:#0645ad;text-decoration:underline}label{display:block;margin-top:.75rem;font-weight:600}
input,select{font-size:1rem;padding:.4rem;border:1px solid #555}button{margin-top:1rem;font-size:1rem;padding:.5rem 1rem;background:#0b3d6e;color:#fff;border:0}
.error{color:#a00000}[role=alert]{border-left:4px solid #a00000;padding:.5rem 1rem;color:#a00000}
.notice{border-left:4px solid #0b3d6e;padding:.5rem 1rem}table{border-collapse:collapse}th,td{border:1px solid #555;padding:.3rem .6rem;text-align:left}
nav ul{list-style:none;padding:0;display:flex;gap:1rem}`;

export function page(o: PageOptions): string {
  const nav = o.nav?.length
    ? `<nav aria-label="Main"><ul>${o.nav.map((n) => `<li><a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a></li>`).join('')}</ul></nav>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} | ${escapeHtml(o.marker)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><header><p><strong>${escapeHtml(o.marker)}</strong> · ${escapeHtml(o.site)}</p>${nav}</header>
<main>${o.body}</main><footer><p>© ${escapeHtml(o.marker)} lab</p></footer>${o.script ? `<script>${o.script}</script>` : ''}</body></html>`;
}

export interface Field {
  name: string;
  label: string;
  type?: string;
  value?: string;
  error?: string;
  autocomplete?: string;
  hint?: string;
}

/** A labelled input; an error is linked with aria-describedby and marks the field invalid. */
export function field(f: Field): string {
  const id = `f-${f.name}`;
  const described = [f.hint ? `${id}-hint` : '', f.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<label for="${id}">${escapeHtml(f.label)}</label>${f.hint ? `<p id="${id}-hint">${escapeHtml(f.hint)}</p>` : ''}
<input id="${id}" name="${f.name}" type="${f.type ?? 'text'}"${f.value && f.type !== 'password' ? ` value="${escapeHtml(f.value)}"` : ''}${f.autocomplete ? ` autocomplete="${f.autocomplete}"` : ''}${f.error ? ' aria-invalid="true"' : ''}${described ? ` aria-describedby="${described}"` : ''}>
${f.error ? `<p id="${id}-error" class="error">${escapeHtml(f.error)}</p>` : ''}`;
}

/** The summary of a form's errors, announced to screen readers. */
export function errorSummary(errors: string[]): string {
  if (!errors.length) return '';
  return `<div role="alert"><h2>There is a problem</h2><ul>${errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>`;
}
