// The baseline of every benchmark: the barest Express server there is, one GET that answers a
// small JSON body. It is the same file in every run, so a step's ratio to it is comparable
// across runs and machines where absolute req/s are not.
//   node bench/lib/bare-server.mjs <port>
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.argv[2] ?? 19199), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
