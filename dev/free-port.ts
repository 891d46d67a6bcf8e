import { createServer } from 'node:net';

/**
 * A port nobody listens on right now at `host`. With PORT=0 the playground still has to name the app's own
 * address up front: the stand-in of Viber posts callbacks to the app's webhook URL.
 */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The address to reach a server listening on `host` from this machine (a wildcard host means loopback). */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
