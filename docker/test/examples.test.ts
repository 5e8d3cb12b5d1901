// docker/examples/docker-socket and docker/examples/dmi: a service reaches a root-only resource as
// `node` thanks to one node-init flag. Each is checked against the same run without the flag, which
// must fail: the resource really is out of the user's reach.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, hostDir, IMAGES, runOnce } from './helpers.js';

cleanUpAfterEach();

const SOCKET = '/var/run/docker.sock';

describe('docker.sock example (--socket-group)', () => {
  const mount = ['--volume', `${SOCKET}:${SOCKET}`];

  it('answers GET /_ping as node, with the socket’s group added', async () => {
    const result = await runOnce(mount, IMAGES.dockerSocket);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const ids = /^uid (\d+) gid (\d+) groups ([\d,]+)$/m.exec(result.stdout);
    const groups = ids?.[3]?.split(',').map(Number).sort((a, b) => a - b);
    expect([ids?.[1], ids?.[2], groups]).toEqual(['1000', '1000', [1000, statSync(SOCKET).gid].sort((a, b) => a - b)]);
    expect(result.stdout).toContain('GET /_ping: 200 OK\n');
  });

  it('without --socket-group, node is refused by the socket', async () => {
    const result = await runOnce(['--entrypoint', 'node-init', ...mount], IMAGES.dockerSocket, ['--user', 'node', '--', 'node', 'docker-ping.js']);
    expect(result.stdout).toContain('uid 1000 gid 1000 groups 1000\n');
    expect(result.stderr).toContain('EACCES');
    expect(result.code).toBe(1);
  });
});

describe('DMI example (--chmod a+r:/sys/firmware/dmi/tables/DMI)', () => {
  /** A root-only SMBIOS table with a System Information structure, as /sys/firmware/ holds it. */
  function firmwareDir(): { dir: string; table: string } {
    const dir = hostDir();
    // As in sysfs: only the table itself is root-only.
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'dmi/tables'), { recursive: true });
    const table = join(dir, 'dmi/tables/DMI');
    const systemInformation = Buffer.concat([
      Buffer.from([1, 8, 0x01, 0x00, 1, 2, 3, 0]),
      Buffer.from('Acme Corp\0Widget 3000\0rev 7\0\0', 'latin1'),
    ]);
    const endOfTable = Buffer.from([127, 4, 0x02, 0x00, 0, 0]);
    writeFileSync(table, Buffer.concat([systemInformation, endOfTable]));
    chmodSync(table, 0o400);
    return { dir, table };
  }
  // Docker hides /sys/firmware (systempaths); this host has no DMI table, so a made-up one stands in.
  const mount = (dir: string): string[] => ['--security-opt', 'systempaths=unconfined', '--volume', `${dir}:/sys/firmware`];

  it('reads the table as node once node-init made it readable', async () => {
    const { dir, table } = firmwareDir();
    const result = await runOnce(mount(dir), IMAGES.dmi);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('uid 1000 read /sys/firmware/dmi/tables/DMI: Acme Corp Widget 3000 rev 7\n');
    expect(statSync(table).mode & 0o777).toBe(0o444);
  });

  it('without --chmod, node cannot read it', async () => {
    const { dir, table } = firmwareDir();
    const result = await runOnce(['--entrypoint', 'node-init', ...mount(dir)], IMAGES.dmi, ['--user', 'node', '--', 'node', 'dmi.js']);
    expect(result.stderr).toContain('uid 1000: EACCES');
    expect(result.code).toBe(1);
    expect(statSync(table).mode & 0o777).toBe(0o400);
  });
});
