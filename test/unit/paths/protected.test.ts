// The path rules of the setup steps as a table: what may be a --chown/--mkdir/--chmod target.
import { describe, expect, it } from 'vitest';
import { normalizePath, protection } from '../../../src/paths/protected.js';

const OWN = ['/app/node_modules/node-init', '/opt/node/bin/node', '/opt/node/lib/libnode.so.127'];

describe('system directories and their ancestors are never a target', () => {
  it.each([
    '/', '/bin', '/boot', '/dev', '/dev/shm', '/dev/pts', '/dev/mqueue', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32',
    '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/run/lock', '/run/user', '/sbin', '/srv', '/sys', '/tmp',
    '/usr', '/usr/bin', '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/local/lib', '/usr/local/share', '/usr/share', '/usr/src',
    '/var', '/var/lib', '/var/tmp', '/var/log', '/var/cache', '/var/run', '/var/spool', '/var/mail', '/var/www',
    '/var/lib/dpkg', '/var/lib/apt', '/var/lib/rpm', '/var/lib/docker', '/var/lib/containerd',
  ])('%s', (path) => {
    expect(protection(path, [])).toEqual({ rule: 'system', path });
  });
});

describe("nothing below root's code and configuration is a target", () => {
  it.each([
    ['/etc/nginx', '/etc'],
    ['/etc/sudoers.d', '/etc'],
    ['/etc/cron.d/jobs', '/etc'],
    ['/usr/lib/x86_64-linux-gnu/security', '/usr/lib'],
    ['/usr/local/lib/node_modules', '/usr/local/lib'],
    ['/usr/local/bin/tools', '/usr/local/bin'],
    ['/usr/libexec/app', '/usr/libexec'],
    ['/lib/modules', '/lib'],
    ['/lib64/x', '/lib64'],
    ['/root/data', '/root'],
    ['/boot/efi', '/boot'],
    ['/var/lib/dpkg/info', '/var/lib/dpkg'],
  ])('%s (inside %s)', (path, subtree) => {
    expect(protection(path, [])).toEqual({ rule: 'system-subtree', path, subtree });
  });
});

describe('what is below them is a data directory', () => {
  it.each([
    '/var/lib/postgresql', '/var/lib/postgresql/data', '/var/lib/redis', '/var/lib/mysql', '/var/www/html', '/var/log/app',
    '/srv/app', '/home/node', '/home/node/data', '/opt/app', '/opt/app/data', '/usr/src/app', '/usr/local/app/data',
    '/data', '/app/data', '/workspace', '/run/postgresql', '/run/redis', '/dev/shm/app', '/tmp/app', '/sys/firmware/dmi/tables/DMI',
    '/usr/share/nginx/html', '/var/lib/docker-app', '/etcetera', '/library',
  ])('%s', (path) => {
    expect(protection(path, OWN)).toBeUndefined();
  });
});

describe("a tree that holds node-init's own files, or lies inside them, is never a target", () => {
  it.each([
    ['/app', '/app/node_modules/node-init'],
    ['/app/node_modules', '/app/node_modules/node-init'],
    ['/app/node_modules/node-init', '/app/node_modules/node-init'],
    ['/app/node_modules/node-init/dist', '/app/node_modules/node-init'],
    ['/opt/node', '/opt/node/bin/node'],
    ['/opt/node/bin/node', '/opt/node/bin/node'],
    ['/opt/node/lib', '/opt/node/lib/libnode.so.127'],
  ])('%s holds %s', (path, file) => {
    expect(protection(path, OWN)).toEqual({ rule: 'own-file', file });
  });

  it('a sibling that only shares a prefix is not inside', () => {
    expect(protection('/app/node_modules/node-init-data', OWN)).toBeUndefined();
    expect(protection('/application', OWN)).toBeUndefined();
  });
});

describe('normalizePath', () => {
  it.each([
    ['//data//x/', '/data/x'],
    ['/', '/'],
    ['///', '/'],
    ['/data/', '/data'],
  ])('%s → %s', (given, normal) => expect(normalizePath(given)).toBe(normal));
});
