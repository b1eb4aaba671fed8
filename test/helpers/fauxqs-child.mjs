// Runs fauxqs (an SQS emulator from npm; it needs Node >= 22.5 for node:sqlite, so the suites start this
// file with the Node 24 binary of scripts/node-lts.sh) on a free port, and writes one JSON line per
// request it received (from node:http's diagnostics channel, so fauxqs itself is untouched): the
// parent reads them as the upstream's log. First line: {"port": N}.
import dc from 'node:diagnostics_channel';
import { startFauxqs } from 'fauxqs';

const keyOf = (h) => /Credential=([^/]+)\//.exec(String(h.authorization ?? ''))?.[1] ?? null;
dc.subscribe('http.server.request.start', ({ request }) => {
  const h = request.headers;
  process.stdout.write(`${JSON.stringify({ method: request.method, url: request.url, target: h['x-amz-target'] ?? null, contentType: h['content-type'] ?? null, accessKeyId: keyOf(h) })}\n`);
});
const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
