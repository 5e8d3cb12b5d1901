'use strict';
// Asks the Docker engine behind /var/run/docker.sock whether it is up (GET /_ping) and which version it
// is, and says as whom it asked. Exits 1 when the engine cannot be reached.
const http = require('node:http');

const socketPath = process.env.DOCKER_SOCKET || '/var/run/docker.sock';

function get(path) {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      })
      .on('error', reject);
  });
}

(async () => {
  console.log(`uid ${process.getuid()} gid ${process.getgid()} groups ${process.getgroups().join(',')}`);
  const ping = await get('/_ping');
  console.log(`GET /_ping: ${ping.status} ${ping.body}`);
  const version = JSON.parse((await get('/version')).body);
  console.log(`engine ${version.Version}`);
})().catch((error) => {
  console.error(`${socketPath}: ${error.message}`);
  process.exit(1);
});
