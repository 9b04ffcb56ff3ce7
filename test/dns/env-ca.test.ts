// A DoH resolver outside the lab trusts the environment's CA (environments.<env>.caFile) unless it names its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../core/config/load.ts';
import { dnsTargets } from '../../dns/targets.ts';
import type { ResolvedEstate } from '../../estate/model.ts';

test('DoH resolvers get the environment CA; a resolver caFile wins', async () => {
  const base = await loadConfig(new URL('../../harness.config.ts', import.meta.url).pathname);
  const config = {
    ...base,
    dns: {
      ...base.dns,
      resolvers: [
        { name: 'corp-doh', protocol: 'doh' as const, url: 'https://127.0.0.1:8443/dns-query' },
        {
          name: 'own-ca',
          protocol: 'doh' as const,
          url: 'https://127.0.0.1:8444/dns-query',
          caFile: new URL('../../harness.config.ts', import.meta.url).pathname,
        },
      ],
    },
  };
  const estate = {
    env: 'production',
    domain: 'invoicecloud.com',
    ca: '-----BEGIN CERTIFICATE-----env-----END CERTIFICATE-----',
  } as unknown as ResolvedEstate;
  const t = dnsTargets({ config, estate });
  const [corp, own] = t.resolvers as { name: string; ca?: string }[];
  assert.equal(corp?.ca, estate.ca);
  assert.match(own?.ca ?? '', /defineConfig|export default/, 'its own caFile is read instead');
});
