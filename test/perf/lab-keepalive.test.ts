// The lab's web servers keep idle connections as IIS does (120 s), so the lab balancers' connections to them
// outlive a round-robin cycle over 1,000 members (bench:scale's pool checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lab } from '../../lab/index.ts';
import { fqdn, labPerFile, port, type LabClient } from '../lab/helpers.ts';

let lab: Lab;
let client: LabClient;
labPerFile((l, c) => ((lab = l), (client = c)));

test('a lab web server announces and keeps a 120 s idle keep-alive (Node would close after 5 s)', async () => {
  const reply = await client.get(port(lab, 'IC-Web1'), fqdn(lab, 'www'));
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['keep-alive'], 'timeout=120');
});
