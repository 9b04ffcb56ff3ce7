// The lab's own API credentials and Mailgun keys: not secrets (the lab is a fake on loopback); the harness sends
// them instead of the environment's values when it runs against the lab, so a lab run never needs a real token.
export const LAB_API_TOKEN = 'lab-api-token-not-secret';
/** The key Mailgun accepts after the rotation, and Key Vault's current version of it. */
export const LAB_MAILGUN_KEY = 'key-lab-mailgun-new-not-secret';
/** The key before the rotation: Key Vault's previous version, what a stale Kubernetes secret still holds. */
export const LAB_MAILGUN_OLD_KEY = 'key-lab-mailgun-old-not-secret';
/** The SFTP check account on the lab's SSH servers. */
export const LAB_SFTP_ACCOUNT = { user: 'harness-check', password: 'lab-sftp-password-not-secret' } as const;
