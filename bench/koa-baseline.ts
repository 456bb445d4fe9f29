/** The benchmark's baseline: a bare Koa handler that reads the body and answers "success". Prints {"port":N}. */
import http from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';

const app = new Koa();
app.use(async (ctx) => {
  await getRawBody(ctx.req, { limit: 65536 });
  ctx.type = 'text/plain';
  ctx.body = 'success';
});
const server = http.createServer(app.callback());
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
