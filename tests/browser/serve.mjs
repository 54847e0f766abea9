// A static file server for a built site, on 127.0.0.1 only: `/x/` serves `x/index.html`, a
// missing file gets the site's 404 page (the French one under /fr/) with status 404, and text
// is gzip-compressed when the client accepts it, as the host does, so measured page weights are
// what a reader downloads. Used by the accessibility checks and the Lighthouse script.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function resolve(root, urlPath) {
  let rel = decodeURIComponent(urlPath.split('?')[0]);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.normalize(path.join(root, rel));
  if (!file.startsWith(root + path.sep)) return null;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) return { redirect: urlPath.split('?')[0] + '/' };
    return { file };
  } catch {
    return null;
  }
}

/** Serves `root` on `port` (0: any free one); resolves to { url, port, close() } once listening. */
export function serve(root, port = 0) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    const found = resolve(root, req.url);
    if (found && found.redirect) {
      res.writeHead(301, { Location: found.redirect });
      res.end();
      return;
    }
    let status = 200;
    let file = found && found.file;
    if (!file) {
      status = 404;
      const fr = path.join(root, 'fr', '404.html');
      file = req.url.startsWith('/fr/') && fs.existsSync(fr) ? fr : path.join(root, '404.html');
    }
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    let body = fs.readFileSync(file);
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache' };
    if (/text|xml|json|calendar|svg/.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['Content-Encoding'] = 'gzip';
      headers['Vary'] = 'Accept-Encoding';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((ok) => {
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}`, port, close: () => new Promise((c) => server.close(c)) });
    });
  });
}

