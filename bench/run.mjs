// Side-by-side benchmarks: node-init and its peers (tini, dumb-init, catatonit, gosu) on the same work,
// in the same run. Writes bench/results.json and BENCHMARKS.md. Run as root: `npm run bench`.
// `npm run bench -- --only startup,forwarding` re-runs those sections (every tool of a section always
// runs together) and keeps the others' last results; each section says when it was measured.
//
//   start-up        run /bin/true through the tool (median of RUNS)
//   forwarding      SIGTERM from outside to the service, through the init (median and p99 of SIGNALS)
//   reaping         ORPHANS zombies handed to the init (as PID 1) at once: time until none is left
//   resident cost   VmRSS, RssAnon, Pss, threads of the init while it supervises `sleep`
//   idle wake-ups   context switches of all the init's threads over IDLE_SECONDS, per minute
//   chown           CHOWN_WORKLOADS: node-init --chown vs chown -Rh vs find + chown, each on a fresh copy
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BUILD = join(ROOT, 'bench/.build');
const NODE_INIT = join(ROOT, 'bin/node-init');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 10 : 40;
const SIGNALS = quick ? 200 : 1000;
const ORPHANS = 10000;
const IDLE_SECONDS = quick ? 10 : 60;
/** Trees for --chown (bench/src/make-tree.py SHAPE): entries, shape, what it stands for, runs. */
const CHOWN_WORKLOADS = [
  { entries: 100000, shape: 'half', what: '100,000 entries, half already owned (a restart after new files)', runs: quick ? 3 : 7 },
  { entries: 1000000, shape: 'none', what: '1,000,000 entries, none owned (a first start on a restored volume)', runs: quick ? 1 : 3 },
  { entries: 1000000, shape: 'flat', what: '1,000,000 entries in one directory, none owned', runs: quick ? 1 : 3 },
  { entries: 100000, shape: 'user-dirs', what: '100,000 entries, half owned, in directories the user owns (changed through fds)', runs: quick ? 3 : 7 },
];

function setup() {
  const packages = ['tini', 'dumb-init', 'catatonit', 'gosu'].filter((name) => spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout !== 'install ok installed');
  if (packages.length > 0) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  mkdirSync(BUILD, { recursive: true });
  for (const name of ['sigecho', 'forward-latency', 'reap-orphans']) {
    execFileSync('gcc', ['-O2', '-Wall', '-o', join(BUILD, name), join(ROOT, 'bench/src', `${name}.c`)]);
  }
}

const version = (argv) => {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0];
};

/** How each init runs CMD... when it is not PID 1 (pid1: false) or is (pid1: true). */
const INITS = [
  // Nothing to plan: the native PID 1 supervises alone. With any option, Node plans as a short-lived
  // child first, then the same native PID 1 carries out the plan.
  { name: 'node-init -- CMD (nothing to plan)', argv: (cmd) => [NODE_INIT, '--', ...cmd], version: () => version([NODE_INIT, '--version']) },
  { name: 'node-init --grace-period 3600 -- CMD (planned)', argv: (cmd) => [NODE_INIT, '--grace-period', '3600', '--', ...cmd], version: () => '' },
  { name: 'node-init --user nobody -- CMD (planned)', argv: (cmd) => [NODE_INIT, '--grace-period', '3600', '--user', 'nobody', '--', ...cmd], version: () => '' },
  { name: 'tini', argv: (cmd, pid1) => ['tini', ...(pid1 ? [] : ['-s']), '--', ...cmd], version: () => version(['tini', '--version']) },
  { name: 'dumb-init', argv: (cmd) => ['dumb-init', ...cmd], version: () => version(['dumb-init', '--version']) },
  { name: 'catatonit', argv: (cmd) => ['catatonit', '--', ...cmd], version: () => version(['catatonit', '--version']) },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timeRuns(argv, env = process.env) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

function startup() {
  const rows = INITS.map((init) => ({ name: init.name, ms: timeRuns(init.argv(['/bin/true'], false)) }));
  rows.push({ name: 'node-init --exec --user nobody', ms: timeRuns([NODE_INIT, '--exec', '--user', 'nobody', '--', '/bin/true']) });
  rows.push({ name: 'gosu nobody', ms: timeRuns(['gosu', 'nobody', '/bin/true']) });
  rows.push({ name: '(/bin/true alone)', ms: timeRuns(['/bin/true']) });
  // What the planned rows pay for Node: its bare start, as the planner gets it (no NODE_* variable).
  const bare = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_')));
  rows.push({ name: '(node -e 0 alone, no NODE_* variable)', ms: timeRuns([process.execPath, '-e', '0'], bare) });
  return rows;
}

function forwarding() {
  return INITS.map((init) => {
    const out = execFileSync(join(BUILD, 'forward-latency'), [String(SIGNALS), ...init.argv([join(BUILD, 'sigecho')], false)], { encoding: 'utf8' });
    const [medianUs, p99Us, meanUs] = out.trim().split(' ').map(Number);
    return { name: init.name, medianUs, p99Us, meanUs };
  });
}

function reaping() {
  return INITS.map((init) => {
    const argv = ['unshare', '--pid', '--fork', '--mount-proc', ...init.argv([join(BUILD, 'reap-orphans'), String(ORPHANS)], true)];
    const out = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
    const [ms, left] = out.trim().split(' ').map(Number);
    return { name: init.name, ms, zombiesLeft: left };
  });
}

function threadSwitches(pid) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    for (const key of ['voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches']) total += Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)[1]);
  }
  return total;
}

const statusValue = (pid, key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function childOf(pid) {
  for (let i = 0; i < 500; i++) {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    if (children) return Number(children.split(' ')[0]);
    await new Promise((wake) => setTimeout(wake, 10));
  }
  throw new Error('no child');
}

/** All inits at once, each as PID 1 supervising `sleep`, measured over the same idle period. */
async function residentAndIdle() {
  const running = await Promise.all(INITS.map(async (init) => {
    const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', ...init.argv(['sleep', String(IDLE_SECONDS + 30)], true)], { stdio: 'ignore' });
    return { init, child, pid: await childOf(child.pid) };
  }));
  await new Promise((wake) => setTimeout(wake, 5000)); // past start-up
  const before = running.map(({ pid }) => threadSwitches(pid));
  await new Promise((wake) => setTimeout(wake, IDLE_SECONDS * 1000));
  const rows = running.map(({ init, pid }, i) => ({
    name: init.name,
    vmRssKb: statusValue(pid, 'VmRSS'),
    rssAnonKb: statusValue(pid, 'RssAnon'),
    rssFileKb: statusValue(pid, 'RssFile'),
    // Pss: the shared pages (libc) divided among the processes mapping them.
    pssKb: Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]),
    threads: statusValue(pid, 'Threads'),
    wakeupsPerMinute: Math.round(((threadSwitches(pid) - before[i]) * 60) / IDLE_SECONDS),
  }));
  for (const { child } of running) child.kill('SIGKILL');
  return rows;
}

/** Each tool gets a fresh copy of the same tree (copying is not timed); the result is checked. */
function chownTrees() {
  // Outside node-init's own package, which --chown refuses to touch (bench/.build is inside it).
  const work = mkdtempSync(join(tmpdir(), 'node-init-bench-'));
  const tools = [
    { name: 'node-init --chown', argv: (dir) => [NODE_INIT, '--exec', '--user', 'nobody', '--chown', dir, '--', 'true'] },
    { name: 'chown -Rh', argv: (dir) => ['chown', '-Rh', '65534:65534', dir] },
    { name: 'find + chown -h', argv: (dir) => ['find', dir, '(', '!', '-user', '65534', '-o', '!', '-group', '65534', ')', '-exec', 'chown', '-h', '65534:65534', '{}', '+'] },
  ];
  const rows = [];
  for (const workload of CHOWN_WORKLOADS) {
    const template = join(work, 'template');
    execFileSync('rm', ['-rf', template]);
    execFileSync('python3', [join(ROOT, 'bench/src/make-tree.py'), template, String(workload.entries), workload.shape]);
    const times = new Map(tools.map((tool) => [tool.name, []]));
    for (let run = 0; run < workload.runs; run++) {
      for (const tool of tools) {
        const dir = join(work, 'copy');
        execFileSync('cp', ['-a', template, dir]);
        execFileSync('sync');
        const start = process.hrtime.bigint();
        execFileSync(tool.argv(dir)[0], tool.argv(dir).slice(1), { stdio: 'ignore' });
        times.get(tool.name).push(Number(process.hrtime.bigint() - start) / 1e6);
        const left = execFileSync('find', [dir, '(', '!', '-user', '65534', '-o', '!', '-group', '65534', ')', '-printf', 'x'], { encoding: 'utf8' }).length;
        if (left !== 0) throw new Error(`${tool.name} left ${left} entries unchanged`);
        execFileSync('rm', ['-rf', dir]);
      }
    }
    rows.push({ workload: workload.what, runs: workload.runs, ms: Object.fromEntries(tools.map((tool) => [tool.name, median(times.get(tool.name))])) });
  }
  execFileSync('rm', ['-rf', work]);
  return rows;
}

const ratio = (value, base) => (base > 0 ? `${(value / base).toFixed(1)}×` : '—');
const fastestPeer = (rows, key) => Math.min(...rows.filter((row) => !row.name.startsWith('node-init')).map((row) => row[key]));

function markdown(results, command) {
  const lines = [];
  const t = (headers, rows) => {
    lines.push(`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  };
  lines.push('# Benchmarks', '', `Made by \`${command}\` on ${results.date} (${results.machine}); each section says when it was measured (sections not re-run keep the figures of the run they name).`,
    'Every tool ran on the same machine, in the same run, on the same work. Ratios are against the best peer (not node-init).', '');
  lines.push('Versions:', ...results.versions.map((v) => `- ${v}`), '');

  const s = results.startup;
  const peerStart = fastestPeer(s.filter((row) => !row.name.startsWith('(')), 'ms');
  const when = (section) => ` (measured ${results.dates?.[section] ?? results.date})`;
  lines.push(`## Start-up: run \`/bin/true\` (median of ${RUNS})${when('startup')}`, '');
  t(['tool', 'ms', 'vs best peer'], s.map((row) => [row.name, row.ms.toFixed(1), row.name.startsWith('(') ? '' : ratio(row.ms, peerStart)]));

  const f = results.forwarding;
  lines.push(`## SIGTERM forwarding latency (${SIGNALS} signals, kill() to the service's sigwaitinfo())${when('forwarding')}`, '');
  t(['init', 'median µs', 'p99 µs', 'median vs best peer'], f.map((row) => [row.name, row.medianUs.toFixed(0), row.p99Us.toFixed(0), ratio(row.medianUs, fastestPeer(f, 'medianUs'))]));

  const r = results.reaping;
  lines.push(`## Reaping ${ORPHANS} orphans handed over at once (init as PID 1)${when('reaping')}`, '');
  t(['init', 'ms until none left', 'zombies left', 'vs best peer'], r.map((row) => [row.name, row.ms.toFixed(0), String(row.zombiesLeft), ratio(row.ms, fastestPeer(r, 'ms'))]));

  const m = results.resident;
  lines.push(`## Resident cost while supervising \`sleep\` (PID 1), and wake-ups over ${IDLE_SECONDS} s idle${when('resident')}`, '');
  t(['init', 'VmRSS kB', 'RssAnon kB', 'RssFile kB', 'Pss kB', 'threads', 'wake-ups/min', 'VmRSS vs best peer', 'RssAnon vs best peer', 'Pss vs best peer'],
    m.map((row) => [row.name, row.vmRssKb, row.rssAnonKb, row.rssFileKb, row.pssKb, row.threads, row.wakeupsPerMinute, ratio(row.vmRssKb, fastestPeer(m, 'vmRssKb')), ratio(row.rssAnonKb, fastestPeer(m, 'rssAnonKb')), ratio(row.pssKb, fastestPeer(m, 'pssKb'))].map(String)));
  lines.push(results.notes, '');

  lines.push(`## --chown, start-up included (median; each tool on a fresh copy of the same tree)${when('chown')}`, '');
  t(['tree', 'runs', 'node-init ms', 'chown -Rh ms', 'find + chown -h ms', 'vs chown -Rh', 'vs find + chown'],
    results.chown.map((row) => {
      const ours = row.ms['node-init --chown'];
      const versus = (peer) => (row.ms[peer] >= ours ? `${(row.ms[peer] / ours).toFixed(2)}× faster` : `${(ours / row.ms[peer]).toFixed(2)}× slower`);
      return [row.workload, String(row.runs), ours.toFixed(0), row.ms['chown -Rh'].toFixed(0), row.ms['find + chown -h'].toFixed(0), versus('chown -Rh'), versus('find + chown -h')];
    }));
  lines.push(CHOWN_NOTES, '');
  // The images side by side in Docker, made by `npm run bench:docker` (docker/bench/run.mjs).
  const docker = join(ROOT, 'docker/BENCHMARKS-docker.md');
  if (existsSync(docker)) lines.push(readFileSync(docker, 'utf8').trim(), '');
  return lines.join('\n');
}

const NOTES = `Every node-init row is node-init's PID 1 program, a small C executable. With an option (the planned rows)
Node runs first as a short-lived child that parses, resolves the user, runs the setup steps and writes a
plan; it has exited before the service starts, so the resident figures are PID 1's alone, and start-up
includes Node's. PID 1 waits in sigwaitinfo(2): no timer runs while idle. catatonit is linked
statically, the others against glibc: RssFile is mostly libc's pages, shared with every other process
using it, which Pss divides among them.`;

const CHOWN_NOTES = `node-init looks at every entry by name (statx) and changes only those whose owner or group differ,
on PATH's own mount only. In a directory only root can write, nobody can swap an entry between that look
and the change, so it changes it by name (2 syscalls); in any other directory (the user's own, for
instance) it opens the entry (O_PATH), checks it again on that fd and changes it through the fd
(5 syscalls), so a swap can never redirect it. Up to 4 threads (one per core) share directories, and
batches of a large directory's names. chown -Rh changes every entry by name without looking (1 syscall,
and unsafe: a swap between its walk and its change redirects it); find + chown stats every entry and
changes the differing ones by path.`;

const SECTIONS = { startup, forwarding, reaping, resident: residentAndIdle, chown: chownTrees };

async function main() {
  if (process.getuid() !== 0) throw new Error('run the benchmarks as root (they use PID namespaces)');
  const at = process.argv.indexOf('--only');
  const only = at < 0 ? undefined : (process.argv[at + 1] ?? '').split(',');
  const unknown = (only ?? []).filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; the sections are ${Object.keys(SECTIONS).join(', ')}`);
  setup();
  const resultsFile = join(ROOT, 'bench/results.json');
  const previous = only && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const today = new Date().toISOString().slice(0, 10);
  const results = {
    ...previous,
    date: today,
    machine: `${cpus().length} × ${cpus()[0].model}, Linux ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}, Node ${process.version}`,
    versions: INITS.filter((init) => init.version()).map((init) => `${init.name}: ${init.version()}`).concat(`gosu: ${version(['gosu', '--version'])}`),
    notes: NOTES,
    // Sections measured before dates were kept per section carry the date of their whole run.
    dates: { ...Object.fromEntries(Object.keys(SECTIONS).filter((name) => name in previous).map((name) => [name, previous.date])), ...previous.dates },
  };
  for (const [name, measure] of Object.entries(SECTIONS)) {
    if (only && !only.includes(name)) continue;
    results[name] = await measure();
    results.dates[name] = `${today}${quick ? ', --quick' : ''}`;
  }
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const extra = [...(quick ? ['--quick'] : []), ...(only ? ['--only', only.join(',')] : [])];
  const command = `npm run bench${extra.length > 0 ? ` -- ${extra.join(' ')}` : ''}`;
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(results, command));
  process.stdout.write(readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8'));
}

await main();
