// Side-by-side, in the same run: redis on node-init against the same redis on dumb-init + gosu + a shell
// entrypoint (docker/examples/redis). Writes docker/BENCHMARKS-docker.md. As root, images built
// (`npm run docker:images`): `npm run bench:docker [-- IMAGE...]`.
//
//   time to ready     `docker run` started → redis logs "Ready to accept connections" (empty volume,
//                     then a volume of FILES root-owned files that the entrypoint must chown)
//   docker stop       `docker stop` with a key to save → returns (the container exited by itself: 0)
//   resident memory   VmRSS and RssAnon of PID 1 (the init), and VmRSS of every process in the container
//   image size        as `docker image inspect` counts it
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const IMAGES = process.argv.length > 2 ? process.argv.slice(2) : ['node-init-example/redis:test', 'node-init-example/redis-gosu:test'];
const RUNS = 7;
const FILES = 10000;
const SETTLE_MS = 1000;

const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));
const statusKb = (pid, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function volume(files) {
  const dir = mkdtempSync(join(tmpdir(), 'node-init-bench-'));
  if (files > 0) {
    mkdirSync(join(dir, 'files'));
    for (let i = 0; i < files; i++) writeFileSync(join(dir, 'files', String(i)), '');
  }
  return dir;
}

/** Starts IMAGE attached, resolves with the container name and ms until redis is ready. */
function startRedis(image, dir, name) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('docker', ['run', '--name', name, '--network', 'none', '--volume', `${dir}:/data`, image], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        resolve(Number(process.hrtime.bigint() - start) / 1e6);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('close', (code) => reject(new Error(`${image} exited ${code} before it was ready:\n${output}`)));
  });
}

async function measure(image, files, index) {
  const dir = volume(files);
  const name = `node-init-bench-${process.pid}-${index}`;
  try {
    const ready = await startRedis(image, dir, name);
    await sleep(SETTLE_MS);
    const pid1 = Number(docker('inspect', '--format', '{{.State.Pid}}', name));
    const pids = docker('top', name, '-eo', 'pid').split('\n').slice(1).map(Number);
    const memory = { pid1Rss: statusKb(pid1, 'VmRSS'), pid1Anon: statusKb(pid1, 'RssAnon'), allRss: pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0) };
    docker('exec', name, 'redis-cli', 'set', 'key', 'value');
    const start = process.hrtime.bigint();
    docker('stop', name);
    const stop = Number(process.hrtime.bigint() - start) / 1e6;
    const exitCode = docker('inspect', '--format', '{{.State.ExitCode}}', name);
    if (exitCode !== '0') throw new Error(`${image}: docker stop left exit code ${exitCode}`);
    return { ready, stop, ...memory };
  } finally {
    execFileSync('docker', ['rm', '--force', name], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map(IMAGES.map((image) => [image, { empty: [], files: [] }]));
for (let run = 0; run < RUNS; run++) {
  // Interleaved, so that a slow moment of the machine falls on both images alike.
  for (const image of IMAGES) {
    results.get(image).empty.push(await measure(image, 0, `${run}-e`));
    results.get(image).files.push(await measure(image, FILES, `${run}-f`));
  }
  process.stderr.write(`bench:docker: run ${run + 1}/${RUNS}\n`);
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);
const pick = (list, key) => median(list.map((entry) => entry[key]));
const rows = IMAGES.map((image) => {
  const { empty, files } = results.get(image);
  return [
    image,
    pick(empty, 'ready').toFixed(0),
    pick(files, 'ready').toFixed(0),
    pick(empty, 'stop').toFixed(0),
    pick(empty, 'pid1Rss'),
    pick(empty, 'pid1Anon'),
    pick(empty, 'allRss'),
    mb(Number(docker('image', 'inspect', '--format', '{{.Size}}', image))),
  ];
});

const engine = docker('version', '--format', '{{.Server.Version}}');
const markdown = `# node-init in Docker: redis side by side

Made by \`npm run bench:docker\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} × ${cpus()[0]?.model.trim()}, Docker engine ${engine}).
Both images are docker/examples/redis (same base, same redis-server from Debian), measured in the same run,
interleaved, median of ${RUNS}; every container ran with \`--network none\` and a fresh host directory at /data.

| image | ms to ready (empty /data) | ms to ready (/data with ${FILES} root-owned files) | ms for \`docker stop\` | PID 1 VmRSS kB | PID 1 RssAnon kB | all processes VmRSS kB | image MB |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}

Time to ready runs from \`docker run\` to redis logging "Ready to accept connections" (the container is
created and started, the init starts, /data is handed to redis, the user is switched, redis loads).
\`docker stop\` sends SIGTERM to PID 1, which forwards it; redis saves its key and exits; every stop above
ended with exit code 0, well before Docker's 10 s timeout. PID 1 is node-init's native program (Node
planned, then exited, before redis started) in one image and dumb-init in the other; all processes adds
redis-server.
`;
writeFileSync(join(ROOT, 'docker/BENCHMARKS-docker.md'), markdown);
process.stdout.write(markdown);
