// A reference, not a goal: the barest gateway there is. One Express GET that asks the bare
// server over a keep-alive undici pool and answers its JSON. Its ratio to the bare server is the
// floor of any request that crosses one internal HTTP hop on this machine (an enqueue crosses
// one: gateway → queue-service), before authentication, Redis or any rule.
//   node bench/lib/bare-hop.mjs <port> <upstream url>
import express from 'express';
import { Pool } from 'undici';

const upstream = new Pool(process.argv[3] ?? 'http://127.0.0.1:19199', { connections: 64 });
const app = express();
app.disable('x-powered-by');
app.get('/hello', async (_req, res, next) => {
  try {
    const r = await upstream.request({ path: '/hello', method: 'GET' });
    res.status(r.statusCode).json(await r.body.json());
  } catch (err) {
    next(err);
  }
});
const server = app.listen(Number(process.argv[2] ?? 19198), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => upstream.close().then(() => process.exit(0))));
