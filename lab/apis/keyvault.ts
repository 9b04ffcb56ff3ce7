// An Azure Key Vault-like secrets API: the Mailgun key with its previous and current versions (the rotation done).
import { json, credential, serveFake, type ApiFake } from './http.ts';
import { LAB_API_TOKEN, LAB_MAILGUN_KEY, LAB_MAILGUN_OLD_KEY } from './credentials.ts';

export const LAB_KEYVAULT_SECRET = 'mailgun-api-key';
/** Version ids, oldest first; the last is current. */
export const LAB_KEYVAULT_VERSIONS = ['3f1c0d9e8b7a4c2e9d1f0a6b5c4d3e2f', '9a8b7c6d5e4f40312a1b2c3d4e5f6a7b'] as const;

export interface KeyVaultVersion {
  version: string;
  value: string;
  created: number;
}

export function labKeyVaultVersions(startedAt = Date.now()): KeyVaultVersion[] {
  const s = Math.floor(startedAt / 1000);
  return [
    { version: LAB_KEYVAULT_VERSIONS[0], value: LAB_MAILGUN_OLD_KEY, created: s - 30 * 86_400 },
    { version: LAB_KEYVAULT_VERSIONS[1], value: LAB_MAILGUN_KEY, created: s - 2 * 3_600 },
  ];
}

export async function startKeyVault(versions: readonly KeyVaultVersion[]): Promise<ApiFake> {
  const fake = await serveFake((req, res, url) => {
    if (credential(req, 'Bearer') !== LAB_API_TOKEN)
      return json(res, 401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } });
    if (!url.searchParams.get('api-version'))
      return json(res, 400, { error: { code: 'BadParameter', message: 'api-version is required' } });
    const m = /^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return json(res, 404, { error: { code: 'NotFound', message: `no route ${url.pathname}` } });
    const [, name, rest] = m;
    const notFound = () =>
      json(res, 404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } });
    if (name !== LAB_KEYVAULT_SECRET) return notFound();
    const attributes = (v: KeyVaultVersion) => ({ enabled: true, created: v.created, updated: v.created, recoveryLevel: 'Recoverable' });
    const id = (v: KeyVaultVersion) => `${fake.url}/secrets/${name}/${v.version}`;
    if (rest === 'versions')
      return json(res, 200, { value: versions.map((v) => ({ id: id(v), attributes: attributes(v) })), nextLink: null });
    const v = rest ? versions.find((x) => x.version === rest) : versions.at(-1);
    if (!v) return notFound();
    json(res, 200, { value: v.value, id: id(v), attributes: attributes(v), contentType: 'text/plain' });
  });
  return fake;
}
