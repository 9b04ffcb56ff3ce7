// `npm run e2e` on its own: when no lab manifest is given (and the target is the lab), start the lab for
// the run and stop it after; the harness always passes its own lab, so this only serves people at a terminal.
import { join } from 'node:path';
import { ENV } from './target.ts';

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if ((process.env[ENV.env] || 'lab') !== 'lab' || process.env[ENV.labManifest]) return;
  const [{ startLab }, { CONFIG_ENV, loadLayeredConfig }] = await Promise.all([import('../lab/index.ts'), import('../estate/overlay.ts')]);
  const { config } = await loadLayeredConfig(process.env[CONFIG_ENV] || 'harness.config.ts');
  const lab = await startLab({ config });
  // Workers start after this and inherit the variable: the fixtures read the manifest from it.
  process.env[ENV.labManifest] = join(lab.dir, 'manifest.json');
  process.stdout.write(
    `started a lab for this run (${lab.manifest.domain}, gateway ${lab.manifest.gateway.address}:${lab.manifest.gateway.port})\n`,
  );
  return async () => {
    await lab.stop();
  };
}
