// The floor any Hono app on @hono/node-server stands on: a fixed GetCallerIdentity answer, nothing
// parsed or verified. `npm run bench` runs it beside iamlocal to report iamlocal's share of that floor.
// Usage: node bench/bare-hono.mjs --in-memory --host 127.0.0.1 --port N (the extra flags are ignored).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1]);
const body =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<Arn>arn:aws:iam::000000000000:user/admin</Arn><UserId>AIDAQAAAAAAAAAAAAAAAA</UserId><Account>000000000000</Account>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
const app = new Hono();
app.all('*', async (c) => {
  await c.req.arrayBuffer();
  return c.body(body, 200, { 'content-type': 'text/xml', 'x-amzn-RequestId': '00000000-0000-0000-0000-000000000000' });
});
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
