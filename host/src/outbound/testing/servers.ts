import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

/** A real server on a loopback port, counting the TCP connections it accepted. */
export interface TestServer {
  url: string;
  port: number;
  /** Connections accepted so far, with the local address each one reached. */
  connections: Array<{ localAddress: string }>;
  /** Connections open now. */
  openConnections(): number;
  /** Requests received so far (method, path, headers, body). */
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

function track(server: Server | ReturnType<typeof createNetServer>, result: Pick<TestServer, 'connections'>, sockets: Set<Socket>): void {
  server.on('connection', (socket: Socket) => {
    result.connections.push({ localAddress: socket.localAddress ?? '' });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}

function listening(server: Server | ReturnType<typeof createNetServer>, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: Server | ReturnType<typeof createNetServer>, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** An http (or, with `tls`, https) server answering with `handler` once the request body is read. */
export async function startHttpServer(handler: Handler, options: { host?: string; port?: number; tls?: { key: string; cert: string } } = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: TestServer['requests'] = [];
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      handler(request, response, body);
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
  server.keepAliveTimeout = 60_000;
  const result = { connections: [] as TestServer['connections'] };
  const sockets = new Set<Socket>();
  // For https, count TCP connections (not TLS sessions) all the same.
  track(server, result, sockets);
  const port = await listening(server, host, options.port ?? 0);
  const scheme = options.tls ? 'https' : 'http';
  return { url: `${scheme}://${host}:${port}`, port, connections: result.connections, openConnections: () => sockets.size, requests, close: closer(server, sockets) };
}

/** A TCP server that writes `reply(socket)` whatever it receives: for answers no HTTP server would send. */
export async function startRawServer(reply: (socket: Socket) => void): Promise<TestServer> {
  const server = createNetServer((socket) => {
    socket.once('data', () => reply(socket));
    socket.on('error', () => undefined);
  });
  const result = { connections: [] as TestServer['connections'] };
  const sockets = new Set<Socket>();
  track(server, result, sockets);
  const port = await listening(server, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${port}`, port, connections: result.connections, openConnections: () => sockets.size, requests: [], close: closer(server, sockets) };
}
