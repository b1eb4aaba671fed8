// The floor under any server on Node's http module: a fixed GetCallerIdentity answer, the body read and
// nothing parsed or verified. `npm run bench` runs it beside iamlocal and reports both servers' CPU per
// request, so the part of iamlocal's figure that is Node's HTTP server and the kernel shows (and with it
// the highest moto ratio any node:http server could reach). Usage as bench/bare-hono.mjs:
// node bench/bare-node-http.mjs --in-memory --host 127.0.0.1 --port N (the extra flags are ignored).
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1]);
const body = Buffer.from(
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    '<Arn>arn:aws:iam::000000000000:user/admin</Arn><UserId>AIDAQAAAAAAAAAAAAAAAA</UserId><Account>000000000000</Account>' +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
);
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000', 'content-length': body.length });
    res.end(body);
  });
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
