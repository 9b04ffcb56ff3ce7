// The lab in a process of its own (forked with IPC), so a benchmark or a run can measure the harness alone.
// Entry of the child: starts the lab from the options it is sent, answers with the manifest, stops when told to
// or when its parent goes away (the IPC channel closes), so it never outlives the harness.
import { startLab, type Lab, type StartLabOptions } from './index.ts';

export type ChildRequest = { type: 'start'; options: StartLabOptions } | { type: 'stop' };
export type ChildReply =
  | { type: 'ready'; manifest: Lab['manifest']; dir: string; rssBytes: number }
  | { type: 'stopped'; maxRssKb: number }
  | { type: 'error'; message: string };

const send = (m: ChildReply) =>
  new Promise<void>((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : resolve()));

if (process.send) {
  let lab: Promise<Lab> | undefined;
  const stop = async () => {
    const l = await lab?.catch(() => undefined);
    await l?.stop();
  };
  process.on('message', (raw: ChildRequest) => {
    if (raw.type === 'start' && !lab) {
      lab = startLab(raw.options);
      lab.then(
        (l) => send({ type: 'ready', manifest: l.manifest, dir: l.dir, rssBytes: process.memoryUsage.rss() }),
        async (err: unknown) => {
          await send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
          process.exit(1);
        },
      );
    } else if (raw.type === 'stop') {
      void stop().then(async () => {
        await send({ type: 'stopped', maxRssKb: process.resourceUsage().maxRSS });
        process.disconnect();
      });
    }
  });
  // The parent died or let go: stop the lab (its temp folder is removed) and leave.
  process.once('disconnect', () => void stop().finally(() => process.exit(0)));
}
