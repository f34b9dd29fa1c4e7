/**
 * The machine's ceiling for `npm run bench`: a bare node:http server that reads a JSON body, parses it and answers it
 * back as JSON with the same headers our protocol door sends. Run as its own process (like the real server) so the
 * two are measured under the same conditions. Listens on PORT (127.0.0.1).
 */
import http from 'node:http';

const HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
};

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = null;
    }
    res.writeHead(200, HEADERS);
    res.end(JSON.stringify({ errorCode: 0, errorInfo: '', data: body }));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  console.log(JSON.stringify({ msg: 'listening', port: typeof addr === 'object' && addr ? addr.port : 0 }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
