// The other setup steps, the conditional start, and options from the environment and a config file.
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMode, parseMode } from '../src/setup/mode.js';
import { expectRefused, FIXTURES, logLine, NODE_INIT, nodeInit, privateDir, readFixtureEtc, removePrivateDirs, run, tempDir, withEtc } from './helpers/run.js';

const pretty = { NODE_INIT_LOG_FORMAT: 'pretty' };
const octal = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

const refused = expectRefused;

afterAll(removePrivateDirs);

describe('--mkdir', () => {
  it('creates the path and its missing parents, owned by the user, with the umask\'s mode', async () => {
    const root = tempDir();
    const path = join(root, 'run/postgresql/sub');
    const result = await nodeInit(['--exec', '--user', 'nobody', '--umask', '0027', '--mkdir', path, '--', 'true']);
    expect(result.code).toBe(0);
    for (const dir of [join(root, 'run'), join(root, 'run/postgresql'), path]) {
      expect(statSync(dir).uid).toBe(65534);
      expect(octal(dir)).toBe('750');
    }
    expect(statSync(root).uid).toBe(0); // an existing parent is left as it was
  });

  it('an existing directory is left as it is', async () => {
    const root = tempDir();
    const result = await nodeInit(['--exec', '--user', 'nobody', '--mkdir', root, '--', 'true']);
    expect(result.code).toBe(0);
    expect(statSync(root).uid).toBe(0);
  });

  it('with --chown of the same path, the new directory is there for the chown', async () => {
    const path = join(tempDir(), 'data');
    expect((await nodeInit(['--exec', '--user', 'nobody', '--mkdir', path, '--chown', path, '--', 'true'])).code).toBe(0);
    expect(statSync(path).uid).toBe(65534);
  });

  it('refuses a symlink on the way', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    await refused(['--exec', '--user', 'nobody', '--mkdir', join(root, 'link/new')], `${root}/link is a symlink`);
    expect(existsSync(join(root, 'real/new'))).toBe(false);
  });
});

describe('--chmod', () => {
  it.each([
    ['a+r', 0o600, '644'],
    ['u=rwX,go=', 0o755, '700'],
    ['0640', 0o777, '640'],
    ['go-w', 0o666, '644'],
    ['u+x,g=u', 0o600, '770'],
  ])('%s on a file with mode %o gives %s', async (mode, from, to) => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    chmodSync(file, from);
    const result = await nodeInit(['--exec', '--chmod', `${mode}:${file}`, '--', 'true']);
    expect(result.code).toBe(0);
    expect(octal(file)).toBe(to);
  });

  it('lets the non-root service read a root-only file (the DMI case)', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const file = join(dir, 'DMI');
    writeFileSync(file, 'machine id', { mode: 0o400 });
    const result = await nodeInit(['--exec', '--user', 'nobody', '--chmod', `a+r:${file}`, '--', 'cat', file]);
    expect(result.stdout).toBe('machine id');
  });

  it.each([
    [['--chmod', 'a+r'], '--chmod "a+r" must be MODE:PATH'],
    [['--chmod', 'a+q:/tmp'], '--chmod "a+q:/tmp" must be MODE:PATH'],
    [['--chmod', '999:/tmp'], '--chmod "999:/tmp" must be MODE:PATH'],
    [['--chmod', '/data:a+r'], '--chmod "/data:a+r": the mode comes first: a+r:/data'],
    [['--chmod', 'a+r:/etc'], '--chmod /etc: refused, /etc is a system directory'],
    [['--chmod', 'a+r:/nonexistent-node-init'], '--chmod /nonexistent-node-init: it does not exist'],
  ])('bad %j', async (args, message) => refused(['--exec', ...args], message));

  it('refuses a symlink', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'target'), '');
    chmodSync(join(root, 'target'), 0o600);
    symlinkSync(join(root, 'target'), join(root, 'link'));
    await refused(['--exec', '--chmod', `a+r:${join(root, 'link')}`], `${root}/link is a symlink`);
    expect(octal(join(root, 'target'))).toBe('600');
  });
});

describe('symbolic modes agree with chmod(1)', () => {
  const modes = ['a+r', 'u+x', 'go-rwx', 'u=rwX,go=rX', 'a=', 'g=u', 'o=g', '+x', 'a-x,u+s', 'g+s,o+t', 'ug+w', 'u=r,g=w,o=x', '=r', 'a+X', '-w'];
  const starts = [0o000, 0o600, 0o644, 0o755, 0o4711, 0o2750, 0o1777];
  it('for files and directories, under umask 022', async () => {
    const dir = tempDir();
    const cases: string[] = [];
    const expected: string[] = [];
    for (const mode of modes) {
      for (const startMode of starts) {
        for (const kind of ['f', 'd']) {
          const path = join(dir, `${kind}-${cases.length}`);
          if (kind === 'd') mkdirSync(path);
          else writeFileSync(path, '');
          chmodSync(path, startMode);
          cases.push(`chmod ${mode} ${path}`);
          expected.push(applyMode(parseMode(mode)!, startMode, kind === 'd', 0o022).toString(8));
        }
      }
    }
    const script = `umask 022; ${cases.join('; ')}; for f in ${cases.map((c) => c.split(' ')[2]).join(' ')}; do stat -c %a "$f"; done`;
    const result = await run(['sh', '-c', script]);
    expect(result.stdout.trim().split('\n')).toEqual(expected);
  });
});

describe('--socket-group', () => {
  it('the group owning the socket becomes one of the service\'s groups', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const socket = join(dir, 'docker.sock');
    await run(['python3', '-c', `import socket; s = socket.socket(socket.AF_UNIX); s.bind('${socket}')`]);
    chownSync(socket, 0, 4242);
    chmodSync(socket, 0o660);
    const result = await nodeInit(['--exec', '--user', 'nobody', '--socket-group', socket, '--', 'sh', '-c', `id -G; test -w ${socket} && echo writable`]);
    expect(result.stdout.split('\n')[0]!.split(' ')).toContain('4242');
    expect(result.stdout).toContain('writable');
  });

  it('a missing socket is a warning and the service still starts', async () => {
    const result = await nodeInit(['--exec', '--user', 'nobody', '--socket-group', '/nonexistent/docker.sock', '--', 'id', '-G'], { env: pretty });
    expect(result.stderr).toBe('node-init: warning: --socket-group /nonexistent/docker.sock: not there; no group added\n');
    expect(result.stdout.trim()).toBe('65534');
  });
});

describe('--umask', () => {
  it('applies to the service, also when started as non-root', async () => {
    expect((await nodeInit(['--exec', '--umask', '0077', '--user', 'nobody', '--', 'sh', '-c', 'umask'])).stdout.trim()).toBe('0077');
    const asUser = await run(['setpriv', '--reuid', '4242', '--regid', '4242', '--clear-groups', '--', NODE_INIT, '--exec', '--umask', '027', '--', 'sh', '-c', 'umask']);
    expect(asUser.stdout.trim()).toBe('0027');
  });

  it.each(['8', '0o77', 'rwx', '07777'])('a bad umask %s', (umask) => refused(['--umask', umask], `--umask "${umask}" must be an octal mode`));
});

describe('stdio the user could not reopen', () => {
  it('a root-owned pipe on stdout is given to the user, so /dev/stdout can be reopened', async () => {
    const write = 'echo through-dev-stdout > /dev/stdout';
    const ours = await run(['python3', join(FIXTURES, 'stdout-mode.py'), 'blocking', NODE_INIT, '--exec', '--user', 'nobody', '--', 'sh', '-c', write]);
    expect(ours.stdout).toBe('through-dev-stdout\n');
    const gosu = await run(['python3', join(FIXTURES, 'stdout-mode.py'), 'blocking', 'gosu', 'nobody', 'sh', '-c', write]);
    expect(gosu.stdout).toBe(''); // the same through gosu: permission denied
  });
});

describe('--user-from', () => {
  it('runs the service as the owner of the path; without a passwd entry, the caller\'s HOME, else /', async () => {
    const dir = tempDir();
    chownSync(dir, 4242, 4343);
    const argv = ['--exec', '--user-from', dir, '--', 'sh', '-c', 'echo $(id -u):$(id -g):$(id -G) $HOME'];
    expect((await nodeInit(argv, { env: { HOME: '/work' } })).stdout).toBe('4242:4343:4343 /work\n');
    expect((await nodeInit(argv, { env: { HOME: '' } })).stdout).toBe('4242:4343:4343 /\n');
  });

  it('takes name and HOME from /etc/passwd when the uid has an entry', async () => {
    const dir = tempDir();
    chownSync(dir, 100, 101); // redis in the fixture files
    const result = await run(withEtc(readFixtureEtc(), [NODE_INIT, '--exec', '--user-from', dir, '--', 'sh', '-c', 'echo $(id -u):$(id -g) $USER $HOME']));
    expect(result.stdout).toBe('100:101 redis /var/lib/redis\n');
  });

  it('refuses a root-owned path, a symlink, a missing path, and --user with it', async () => {
    await refused(['--user-from', tempDir()], 'it is owned by root, which would run the command as root');
    const root = tempDir();
    symlinkSync('/tmp', join(root, 'link'));
    await refused(['--user-from', join(root, 'link')], `--user-from ${root}/link: ${root}/link is a symlink, and node-init never follows one as root`);
    await refused(['--user-from', '/nonexistent-node-init'], '--user-from /nonexistent-node-init: /nonexistent-node-init does not exist');
    await refused(['--user', 'nobody', '--user-from', '/tmp'], '--user, --user-from and --user-env each name the user; give only one');
  });
});

describe('conditional start', () => {
  it('--default-command goes first when the arguments start with "-", or when there are none', async () => {
    expect((await nodeInit(['--exec', '--default-command', 'echo', '--', '-n', 'hi'])).stdout).toBe('hi');
    expect((await nodeInit(['--exec', '--default-command', 'pwd'])).stdout).toBe(`${process.cwd()}\n`);
    expect((await nodeInit(['--exec', '--default-command', 'echo', '--', 'printf', 'other'])).stdout).toBe('other');
  });

  it('--default-command also goes first when the first argument is no command: a file that is not executable, or a name not on PATH', async () => {
    const dir = tempDir();
    const conf = join(dir, 'redis.conf');
    writeFileSync(conf, 'port 7777\n');
    expect((await nodeInit(['--exec', '--default-command', 'echo', '--', conf])).stdout).toBe(`${conf}\n`);
    expect((await nodeInit(['--exec', '--default-command', 'echo', '--', 'no-such-program-here', 'x'])).stdout).toBe('no-such-program-here x\n');
    // A command found on PATH still runs as it is (docker run IMG bash).
    expect((await nodeInit(['--exec', '--default-command', 'echo', '--', 'printf', 'bash'])).stdout).toBe('bash');
  });

  it('--only-for: setup and the user switch happen only for the named commands', async () => {
    const dir = tempDir();
    const args = ['--exec', '--user', 'nobody', '--chown', dir, '--only-for', 'redis-server', '--only-for', 'sh', '--'];
    const other = await nodeInit([...args, 'id', '-u']);
    expect(other.stdout).toBe('0\n');
    expect(statSync(dir).uid).toBe(0);
    const named = await nodeInit([...args, 'sh', '-c', 'id -u']);
    expect(named.stdout).toBe('65534\n');
    expect(statSync(dir).uid).toBe(65534);
  });
});

describe('options from the environment', () => {
  it('NODE_INIT_USER, NODE_INIT_EXEC and a NODE_INIT_CHOWN list', async () => {
    const [a, b] = [tempDir(), tempDir()];
    const result = await nodeInit(['sh', '-c', 'echo $(id -u) $$'], { env: { NODE_INIT_USER: 'nobody', NODE_INIT_EXEC: 'yes', NODE_INIT_CHOWN: ` ${a}, ${b} ` } });
    const [uid, pid] = result.stdout.trim().split(' ');
    expect(uid).toBe('65534');
    expect(Number(pid)).toBe(result.pid); // exec mode
    expect(statSync(a).uid).toBe(65534);
    expect(statSync(b).uid).toBe(65534);
  });

  it('flags win over the environment', async () => {
    const result = await nodeInit(['--exec', '--user', 'daemon', '--', 'id', '-un'], { env: { NODE_INIT_USER: 'nobody' } });
    expect(result.stdout).toBe('daemon\n');
  });

  it('a comma inside an item is written "\\,"', async () => {
    const dir = join(tempDir(), 'a,b');
    const result = await nodeInit(['--exec', '--', 'true'], { env: { NODE_INIT_USER: 'nobody', NODE_INIT_MKDIR: dir.replace(',', '\\,') } });
    expect(result.code).toBe(0);
    expect(statSync(dir).uid).toBe(65534);
  });

  it.each([
    [{ NODE_INIT_CHWON: '/data' }, 'unknown variable NODE_INIT_CHWON: did you mean NODE_INIT_CHOWN?'],
    [{ NODE_INIT_USR: 'nobody' }, 'unknown variable NODE_INIT_USR: did you mean NODE_INIT_USER?'],
    [{ NODE_INIT_FROBNICATE: '1' }, 'unknown variable NODE_INIT_FROBNICATE; "node-init --help" lists the NODE_INIT_* variables'],
    [{ NODE_INIT_EXEC: 'maybe' }, 'NODE_INIT_EXEC must be 1/true/yes/on or 0/false/no/off, not "maybe"'],
    // Empty means unset (compose's ${RUN_USER:-}): here, no user at all.
    [{ NODE_INIT_CHOWN: '/tmp', NODE_INIT_USER: '' }, 'NODE_INIT_CHOWN needs a user (--user, --user-from or --user-env)'],
    // Each names what was set: the variable, not a flag nobody typed.
    [{ NODE_INIT_GRACE_PERIOD: 'soon!' }, 'NODE_INIT_GRACE_PERIOD "soon!" is not a duration'],
    [{ NODE_INIT_GROUP_ADD: 'daemon' }, 'NODE_INIT_GROUP_ADD needs a user (--user, --user-from or --user-env): name the user the groups are added to'],
    [{ NODE_INIT_CHMOD: '/data:a+r' }, 'NODE_INIT_CHMOD "/data:a+r": the mode comes first: a+r:/data'],
    [{ NODE_INIT_EXEC: '1', NODE_INIT_REWRITE: 'TERM:QUIT' }, 'NODE_INIT_REWRITE only applies when node-init supervises the command; remove it or remove NODE_INIT_EXEC'],
  ])('%j', (env, message) => refused([], message, env as NodeJS.ProcessEnv));
});

describe('--user-env: the user from the operator\'s own variables (etcd/kafka RUN_USER, USER_ID/GROUP_ID)', () => {
  const ids = ['sh', '-c', 'echo "$(id -u):$(id -g) $HOME"'];

  it('RUN_USER=nobody: runs as nobody, with the steps', async () => {
    const dir = join(tempDir(), 'data');
    const result = await nodeInit(['--exec', '--user-env', 'RUN_USER', '--mkdir', dir, '--', ...ids], { env: { RUN_USER: 'nobody' } });
    expect(result.stdout).toBe('65534:65534 /nonexistent\n');
    expect(statSync(dir).uid).toBe(65534);
  });

  it.each([['unset', {}], ['empty', { RUN_USER: '' }]])('RUN_USER %s: the command runs as it is, the steps for a user skipped, one info line', async (_, env) => {
    const dir = tempDir();
    const result = await nodeInit(['--exec', '-v', '--log-format', 'pretty', '--user-env', 'RUN_USER', '--chown', dir, '--', ...ids], { env: { ...env, HOME: '/root' } });
    expect(result.stdout).toBe('0:0 /root\n');
    expect(statSync(dir).uid).toBe(0);
    expect(result.stderr).toContain(`node-init: RUN_USER is unset or empty: the command runs as it is, without --chown ${dir}\n`);
    expect(result.code).toBe(0);
  });

  it('USER_ID:GROUP_ID 1234:1234: that uid and gid, with the HOME the operator set', async () => {
    const result = await nodeInit(['--exec', '--user-env', 'USER_ID:GROUP_ID', '--', ...ids], { env: { USER_ID: '1234', GROUP_ID: '1234', HOME: '/out' } });
    expect(result.stdout).toBe('1234:1234 /out\n');
  });

  it('NODE_INIT_USER_ENV in the image, nothing set at docker run: runs as it is', async () => {
    const result = await nodeInit(['--exec', '--', ...ids], { env: { NODE_INIT_USER_ENV: 'USER_ID:GROUP_ID', HOME: '/root' } });
    expect(result.stdout).toBe('0:0 /root\n');
  });

  it.each([
    [['--user-env', 'USER_ID:GROUP_ID'], { USER_ID: '1234' }, '--user-env USER_ID:GROUP_ID: GROUP_ID is empty while USER_ID is set; set both, or neither to run the command as it is'],
    [['--user-env', 'RUN-USER'], {}, '--user-env "RUN-USER" must name one variable (RUN_USER) or two, uid and gid (USER_ID:GROUP_ID)'],
    [['--user-env', 'RUN_USER', '--user', 'nobody'], {}, '--user, --user-from and --user-env each name the user; give only one'],
  ])('%j %j: refused', async (flags, env, message) => {
    const result = await nodeInit(['--log-format', 'pretty', ...flags, '--', 'true'], { env });
    expect(result.stderr).toBe(`node-init: ${message}\n`);
    expect(result.code).toBe(125);
  });
});

describe('--config FILE', () => {
  // As root, node-init reads a config only from a file only root could have written (setup-safety.test.ts).
  const config = (data: unknown): string => {
    const file = join(privateDir(), 'node-init.json');
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };

  it('holds the same options; the environment and flags win over it', async () => {
    const dir = tempDir();
    const file = config({ user: 'daemon', chown: [dir], exec: true, umask: '0077', verbose: 1 });
    const result = await nodeInit(['--config', file, '--', 'sh', '-c', 'echo $(id -un) $(umask)']);
    expect(result.stdout).toBe('daemon 0077\n');
    expect(statSync(dir).uid).toBe(1);
    expect(logLine(result.stderr, 'switched to user daemon')).toBeDefined();
    expect((await nodeInit(['--config', file, '--', 'id', '-un'], { env: { NODE_INIT_USER: 'nobody' } })).stdout).toBe('nobody\n');
    expect((await nodeInit(['--config', file, '--user', 'bin', '--', 'id', '-un'], { env: { NODE_INIT_USER: 'nobody' } })).stdout).toBe('bin\n');
  });

  it('a bad value is named as the config file\'s key, not as a flag nobody typed', async () => {
    const file = config({ umask: '999' });
    await refused(['--config', file], `"umask" in --config ${file} "999" must be an octal mode`);
  });

  it('NODE_INIT_CONFIG names it too', async () => {
    const result = await nodeInit(['id', '-un'], { env: { NODE_INIT_CONFIG: config({ user: 'nobody', exec: true }) } });
    expect(result.stdout).toBe('nobody\n');
  });

  it.each([
    [{ chwon: ['/data'] }, 'unknown key "chwon"; did you mean "chown"?'],
    [{ frobnicate: 1 }, 'unknown key "frobnicate"; the keys are the long option names, e.g. "user", "chown"'],
    [{ chown: '/data' }, '"chown" must be an array of strings, not "/data"'],
    [{ user: 4321 }, ''], // a number is a fine uid: not an error
    [{ exec: 'yes' }, '"exec" must be true or false, not "yes"'],
    [{ umask: 77 }, '"umask" must be a string, not 77'],
    [{ help: true }, 'unknown key "help"'],
    ['{"user": ', 'not valid JSON'],
    ['{\n  "user": "nobody"\n  "chown": []\n}', 'not valid JSON: Expected \',\' or \'}\' after property value'], // and where: test/unit/cli/sources.test.ts
    ['[1, 2]', 'must hold a JSON object'],
  ])('%j', async (data, message) => {
    const file = config(data);
    if (message === '') {
      const result = await nodeInit(['--config', file, '--', 'true'], { env: pretty });
      expect(result.stderr).toContain('uid 4321 has no entry'); // reached resolution: the type was accepted
      return;
    }
    await refused(['--config', file], `--config ${file}: ${message}`);
  });

  it('a missing file', () => refused(['--config', '/nonexistent/node-init.json'], '--config /nonexistent/node-init.json: /nonexistent does not exist'));
});
