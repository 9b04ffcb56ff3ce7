// A lab SSH/SFTP server (ssh2) for the SFTP group: an OpenSSH-like banner, password login for the check account,
// and a read-only root directory. Faults: `sftp-login-broken:SERVER` refuses the login, `sftp-list-broken:SERVER`
// refuses to open the directory (permission denied).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { ActiveFaults } from '../faults.ts';
import { LAB_SFTP_ACCOUNT } from '../apis/credentials.ts';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export const LAB_SFTP_ENTRIES = ['inbound', 'outbound'] as const;

/** OpenSSH's SHA256 fingerprint ("SHA256:…", unpadded base64) of a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface SshLab {
  /** Hand an accepted TCP connection to the SSH server. */
  accept(socket: Socket): void;
  hostKey: string;
  close(): void;
}

/**
 * An ed25519 host key ssh2 can read back: ssh2 1.17's generator strips a leading zero byte from about 1 key in 256,
 * leaving a key its own parser refuses (mscdex/ssh2#1390, #1513), so a key that does not parse is made again.
 */
function hostKey(): { private: string; blob: Buffer } {
  for (let i = 0; i < 20; i++) {
    const keys = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(keys.private);
    const pub = utils.parseKey(keys.public);
    if (!(parsed instanceof Error) && !(pub instanceof Error) && !Array.isArray(parsed))
      return { private: keys.private, blob: parsed.getPublicSSH() };
  }
  throw new Error('ssh2 made no readable ed25519 host key in 20 attempts');
}

export function sshServer(name: string, faults: ActiveFaults): SshLab {
  const keys = hostKey();
  const blob = keys.blob;
  const server = new Server({ hostKeys: [keys.private], ident: 'OpenSSH_9.2p1 lab' }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const ok =
        ctx.method === 'password' &&
        same(ctx.username, LAB_SFTP_ACCOUNT.user) &&
        same(ctx.password, LAB_SFTP_ACCOUNT.password) &&
        !faults.has('sftp-login-broken', name);
      if (ok) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const open = new Map<number, boolean>();
          let next = 0;
          const dirAttrs = { mode: 0o40755, uid: 0, gid: 0, size: 4096, atime: 0, mtime: 0 };
          sftp.on('REALPATH', (id, path) =>
            sftp.name(id, [{ filename: path === '.' || path === '' ? '/' : path, longname: '', attrs: dirAttrs }]),
          );
          sftp.on('STAT', (id, path) => (path === '/' ? sftp.attrs(id, dirAttrs) : sftp.status(id, STATUS_CODE.NO_SUCH_FILE)));
          sftp.on('LSTAT', (id, path) => (path === '/' ? sftp.attrs(id, dirAttrs) : sftp.status(id, STATUS_CODE.NO_SUCH_FILE)));
          sftp.on('OPENDIR', (id, path) => {
            if (faults.has('sftp-list-broken', name)) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'Permission denied');
            if (path !== '/' && path !== '.') return sftp.status(id, STATUS_CODE.NO_SUCH_FILE, 'No such file');
            const handle = Buffer.alloc(4);
            handle.writeUInt32BE(next, 0);
            open.set(next++, false);
            sftp.handle(id, handle);
          });
          sftp.on('READDIR', (id, handle) => {
            const h = handle.length === 4 ? handle.readUInt32BE(0) : -1;
            if (!open.has(h)) return sftp.status(id, STATUS_CODE.FAILURE);
            if (open.get(h)) return sftp.status(id, STATUS_CODE.EOF);
            open.set(h, true);
            sftp.name(
              id,
              LAB_SFTP_ENTRIES.map((filename) => ({
                filename,
                longname: `drwxr-xr-x 2 0 0 4096 Jun 22 00:00 ${filename}`,
                attrs: dirAttrs,
              })),
            );
          });
          sftp.on('CLOSE', (id, handle) => {
            open.delete(handle.length === 4 ? handle.readUInt32BE(0) : -1);
            sftp.status(id, STATUS_CODE.OK);
          });
        });
      });
    });
  });
  return {
    accept: (socket) => server.injectSocket(socket),
    hostKey: fingerprintOf(blob),
    close: () => void server.close(),
  };
}
