'use strict';
// The example app of docker/Dockerfile: an HTTP service that says which user it runs as, reports the
// signals it gets (so a test can see `docker kill -s HUP` arrive) and stops cleanly on SIGTERM.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const server = http.createServer((request, response) => {
  response.end(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), groups: process.getgroups() }) + '\n');
});
server.listen(port, () => console.log(`listening on ${port} as uid ${process.getuid()}`));

for (const signal of ['SIGHUP', 'SIGUSR1', 'SIGUSR2']) process.on(signal, () => console.log(`got ${signal}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    console.log(`got ${signal}, stopping`);
    server.close(() => process.exit(0));
  });
}
