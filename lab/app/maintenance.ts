// The maintenance page the gateway serves on www, my and sso during the window (status from config, 503).
import { escapeHtml } from './http.ts';

export function maintenancePage(opts: { marker: string; brand: string; host: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(opts.marker)} | ${escapeHtml(opts.brand)}</title><link rel="icon" href="data:,"></head>
<body><main><h1>${escapeHtml(opts.marker)}</h1><p>${escapeHtml(opts.host)} is down for scheduled maintenance. We expect to be back by 8:00 AM Eastern.</p></main></body></html>`;
}
