// A Slack incoming-webhook receiver: records JSON posts (the last `keep`), answers "ok" like Slack,
// and 500 under the slack-down fault.
import { createServer } from 'node:http';
import type { ActiveFaults } from '../faults.ts';
import { listenOnLoopback, readBody } from '../http-util.ts';

export interface SlackMessage {
  receivedAt: string;
  /** Webhook path posted to: one per channel in the lab (/services/LAB/<channel>). */
  path: string;
  body: unknown;
}

export interface SlackLab {
  url: string;
  messages(): SlackMessage[];
  clear(): void;
  stop(): Promise<void>;
}

export async function startSlackLab(faults: ActiveFaults, keep = 200): Promise<SlackLab> {
  const received: SlackMessage[] = [];
  const server = createServer((req, res) => {
    const reply = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'POST') return reply(405, 'invalid_method');
    void readBody(req, 1024 * 1024).then(
      (text) => {
        // Slack answers 500 while down; nothing is recorded.
        if (faults.has('slack-down')) return reply(500, 'internal_error');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reply(400, 'invalid_payload');
        }
        if (typeof body !== 'object' || body === null) return reply(400, 'invalid_payload');
        received.push({ receivedAt: new Date().toISOString(), path: req.url ?? '/', body });
        if (received.length > keep) received.splice(0, received.length - keep);
        reply(200, 'ok');
      },
      () => reply(413, 'payload_too_large'),
    );
  });
  const { port, stop } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/services/LAB/webhook`,
    messages: () => [...received],
    clear: () => void received.splice(0),
    stop,
  };
}
